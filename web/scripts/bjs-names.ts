/**
 * The BJS names the editor completes, read from the surface itself: it is installed on a
 * plain object here (no isolate, no user code) and its globals and their members listed.
 */
import { surfaceOutline } from "../../src/runtime/bjs/surface-outline.js";
import { bundledLibSources } from "../../src/catalog/lib-sources.js";

/** A completion: `Bot.sendMessage`, or a global such as `message`. */
export interface BjsName {
  label: string;
  type: "namespace" | "function" | "variable" | "property";
}

/** Every global of the BJS surface and the members of each namespace. */
export function bjsNames(): BjsName[] {
  const global: Record<string, unknown> = {};
  const session = surfaceOutline(global);
  session.begin({});
  // Our own library sources, as a bot that installed them all has them (their top level only publishes).
  const helpers = ["publish", "on", "setBotProperty", "getBotProperty", "setUserProperty", "getUserProperty", "platformUrl"];
  session.loadLibs(bundledLibSources().map((lib) => ({ name: lib.name, run: new Function(...helpers, lib.code) as (...args: unknown[]) => void, lazy: false })));
  const names: BjsName[] = [];
  for (const name of Object.getOwnPropertyNames(global).sort()) {
    const value = global[name];
    if (value === null) {
      names.push({ label: name, type: "variable" });
      continue;
    }
    names.push({ label: name, type: typeof value === "function" ? "function" : "namespace" });
    if (typeof value !== "object") continue;
    for (const member of Object.getOwnPropertyNames(value).sort()) {
      const type = typeof (value as Record<string, unknown>)[member] === "function" ? "function" : "property";
      names.push({ label: `${name}.${member}`, type });
    }
  }
  session.take();
  return names;
}
