import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import ivm from "isolated-vm";
import { beforeAll, describe, expect, it } from "vitest";
import { bundledLibSources } from "../../src/catalog/lib-sources.js";
import { Executor } from "../../src/runtime/sandbox/executor.js";

const REFERENCE = resolve(import.meta.dirname, "../../docs/bjs.md");
const MARKER = "@@surface@@";

/** A name a bot's BJS can reach, and whether it really works or only says "not available yet". */
interface SurfaceName {
  name: string;
  notYet: boolean;
}

/**
 * Lists, by running BJS in the executor (in a bot that installed every library), every global
 * the BJS realm adds to plain JavaScript and the members of those that are objects; each function is called once to see whether it
 * is one of the "not available yet" stand-ins (what the calls queue is thrown away).
 */
async function surfaceAsItRuns(): Promise<SurfaceName[]> {
  const isolate = new ivm.Isolate({ memoryLimit: 32 });
  const plain: string[] = JSON.parse(await (await isolate.createContext()).eval("JSON.stringify(Object.getOwnPropertyNames(globalThis))"));
  isolate.dispose();
  const executor = new Executor({ isolates: 1, memoryMb: 64, warmMb: 1, limits: { maxActions: 1000, maxActionBytes: 1024 * 1024, maxReads: 1000 } });
  const code = `
    const plain = ${JSON.stringify(plain)};
    const notYet = (value) => {
      if (typeof value !== "function") return false;
      try { value(); } catch (e) { return /not available yet/.test(String(e && e.message)); }
      return false;
    };
    const found = [];
    for (const name of Object.getOwnPropertyNames(globalThis)) {
      if (plain.includes(name) || name.startsWith("__")) continue;
      const value = globalThis[name];
      const whole = notYet(value);
      found.push({ name, notYet: whole });
      if (whole || value === null || typeof value !== "object") continue;
      for (const key of Object.keys(value)) found.push({ name: name + "." + key, notYet: notYet(value[key]) });
    }
    Bot.sendMessageToChatWithId(1, "${MARKER}" + JSON.stringify(found));
  `;
  const result = await executor.execute({ botId: 1, ownerId: 1, segments: [{ name: "/surface", code }], libs: bundledLibSources(), globals: {}, reads: async () => "null", timeoutMs: 5000 });
  executor.dispose();
  expect(result.error).toBeUndefined();
  const text = result.actions.map((action) => (action.type === "api" ? (action.params as { text?: unknown }).text : undefined)).find((t) => typeof t === "string" && t.startsWith(MARKER));
  return JSON.parse((text as string).slice(MARKER.length));
}

/** A documented name: a `### \`Name(...)\`` heading or a table row starting with `| \`Name\``; `**not yet**` marks what does not run yet. */
interface Entry {
  name: string;
  notYet: boolean;
  line: number;
}

function documentedNames(markdown: string): Entry[] {
  const entries: Entry[] = [];
  markdown.split("\n").forEach((text, index) => {
    const found = /^(?:### |\| )`([A-Za-z_$][\w$]*(?:\.[\w$]+)?)/.exec(text);
    if (found) entries.push({ name: found[1]!, notYet: text.includes("**not yet**"), line: index + 1 });
  });
  return entries;
}

describe("docs/bjs.md, the BJS reference", () => {
  let surface: SurfaceName[];
  let entries: Entry[];
  let markdown: string;
  beforeAll(async () => {
    surface = await surfaceAsItRuns();
    markdown = readFileSync(REFERENCE, "utf8");
    entries = documentedNames(markdown);
  });

  it("reads a surface that is really there", () => {
    expect(surface.map((s) => s.name)).toEqual(expect.arrayContaining(["Bot", "Bot.sendMessage", "User.getProp", "Api.sendMessage", "message", "HTTP", "WebApp"]));
    expect(surface.find((s) => s.name === "Bot.sendMessage")?.notYet).toBe(false);
    expect(surface.find((s) => s.name === "WebApp.getUrl")?.notYet).toBe(false);
  });

  it("documents every name a bot can use", () => {
    const documented = new Set(entries.map((entry) => entry.name));
    const missing = surface.filter((s) => !documented.has(s.name)).map((s) => s.name);
    expect(missing, `add these to docs/bjs.md (a heading or a table row each): ${missing.join(", ")}`).toEqual([]);
  });

  it("marks exactly what does not run yet as **not yet**", () => {
    const running = new Map(surface.map((s) => [s.name, s]));
    const wrong = entries.flatMap((entry) => {
      const real = running.get(entry.name);
      if (!real && !entry.notYet) return [`line ${entry.line}: ${entry.name} is documented as available but does not exist`];
      if (real && real.notYet !== entry.notYet) {
        return [`line ${entry.line}: ${entry.name} ${real.notYet ? "is not available yet: mark it **not yet**" : "runs now: remove its **not yet**"}`];
      }
      return [];
    });
    expect(wrong).toEqual([]);
  });

  it("gives each function a description and an example", () => {
    const sections = markdown.split(/^(?=### )/m).slice(1);
    const incomplete = sections.filter((section) => {
      const [, description] = section.split("\n").filter((line) => line.trim() !== "");
      return !description || description.startsWith("```") || !section.includes("```js");
    });
    expect(incomplete.map((section) => section.split("\n")[0])).toEqual([]);
  });
});
