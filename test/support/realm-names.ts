import { runInNewContext } from "node:vm";
import { CONTEXT_NAMES } from "../../src/runtime/bjs/surface-config.js";

/**
 * The names a bot's realm answers as globals, near enough for deciding which bodies are inert
 * (inert-body.ts): the language's own (from a fresh context of the same V8, its prototypes'
 * included), the surface's namespaces and the execution's context. The sandbox asks a real
 * realm; a test that runs bodies there checks both agree on what it relies on.
 */
export function realmGlobalNames(): ReadonlySet<string> {
  const names = new Set<string>([...CONTEXT_NAMES, "Bot", "User", "Chat", "Api", "HTTP", "Libs", "AdminPanel", "WebApp"]);
  for (let at = runInNewContext("globalThis") as object | null; at !== null; at = Object.getPrototypeOf(at)) {
    for (const name of Object.getOwnPropertyNames(at)) names.add(name);
  }
  return names;
}
