import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { libraries } from "./libraries.js";

/** A library's BJS source as an execution loads it. */
export interface LibSource {
  /** The name under `Libs`. */
  name: string;
  code: string;
  /**
   * Evaluated only when BJS first reaches it (the platform's core libraries, which register no
   * handlers); any other library is evaluated before the body, so that its `on` handlers are registered.
   */
  lazy?: boolean;
}

// The sources stay in src/ (they are BJS, not TypeScript), found from src/ and from dist/ alike.
const LIBS_DIR = new URL("../../src/catalog/libs/", import.meta.url);

/**
 * The core libraries (spec/bjs.md §2.13, §6.2): every bot has them without installing them,
 * under `Libs.<name>` and under a global name of their own. They are evaluated, and their
 * source is even handed to the realm, only when an execution first touches them (CryptoJS is
 * 200 kB of crypto-js: runs that do not use it must not pay for it).
 */
export const CORE_LIBS: Readonly<Record<string, string>> = {
  ResourcesLib: "ResLib",
  ReferralLib: "RefLib",
  CommonLib: "CommonLib",
  TopBoardLib: "TopBoardLib",
  SmartBot: "SmartBot",
  SmartAmountDialog: "SmartAmountDialog",
  SmartTasker: "SmartTasker",
  CryptoJS: "CryptoJS",
};

/** Other names older bots reach a library by: `Libs.commonLib` is `Libs.CommonLib`. */
export const LIB_ALIASES: Readonly<Record<string, string>> = { commonLib: "CommonLib" };

/**
 * Libraries that are an npm package as it is (CommonJS), made a library by a wrapper that
 * publishes its exports. Nothing in an isolate gives secure random numbers: the package gets
 * Math.random's (salts and IVs it makes are unpredictable enough for bots, not for keys).
 */
const PACKAGED_LIBS: Readonly<Record<string, string>> = { CryptoJS: "crypto-js/crypto-js.js" };
const packageRequire = createRequire(import.meta.url);

function packagedSource(file: string): string {
  const random = "function () { return { getRandomValues: function (a) { for (var i = 0; i < a.length; i++) a[i] = Math.floor(Math.random() * 4294967296); return a; } }; }";
  return `var module = { exports: {} }, exports = module.exports, require = ${random};\n${readFileSync(packageRequire.resolve(file), "utf8")}\npublish(module.exports);`;
}

const sources = new Map<string, string | null>();

/** The platform's own source of a store library, or null when the platform ships none (yet). */
export function bundledLibSource(name: string): string | null {
  let source = sources.get(name);
  if (source === undefined) {
    try {
      const packaged = PACKAGED_LIBS[name];
      source = packaged ? packagedSource(packaged) : readFileSync(fileURLToPath(new URL(`${name}.js`, LIBS_DIR)), "utf8");
    } catch {
      source = null;
    }
    sources.set(name, source);
  }
  return source;
}

/** The core libraries an execution may reach without having installed them. */
export function coreLibSources(): LibSource[] {
  return Object.keys(CORE_LIBS).flatMap((name) => {
    const code = bundledLibSource(name);
    return code === null ? [] : [{ name, code, lazy: true }];
  });
}

/** The global names of the core libraries whose sources the platform ships. */
export function coreLibGlobals(): Record<string, string> {
  return Object.fromEntries(Object.entries(CORE_LIBS).filter(([name]) => bundledLibSource(name) !== null));
}

/** Every store library the platform ships a source of, as a bot that installed them all would load them. */
export function bundledLibSources(): LibSource[] {
  return libraries.flatMap((lib) => {
    const code = bundledLibSource(lib.name);
    return code === null ? [] : [{ name: lib.name, code }];
  });
}

/** The store's library names, for the error that says which one to install. */
export function storeLibNames(): string[] {
  return [...libraries.map((lib) => lib.name), ...Object.keys(LIB_ALIASES)];
}
