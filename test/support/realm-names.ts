import { runInNewContext } from "node:vm";
import { surfaceOutline } from "../../src/runtime/bjs/surface-outline.js";

/**
 * The names a bot's realm answers as globals (inert-body.ts): the language's own, from a fresh
 * context of the same V8 with its prototypes, and the surface's, installed on a plain object
 * as the editor's name list does (web/scripts/bjs-names.ts).
 */
export function realmGlobalNames(): ReadonlySet<string> {
  const surface: Record<string, unknown> = {};
  surfaceOutline(surface);
  const names = new Set(Object.getOwnPropertyNames(surface));
  for (let at = runInNewContext("globalThis") as object | null; at !== null; at = Object.getPrototypeOf(at)) {
    for (const name of Object.getOwnPropertyNames(at)) names.add(name);
  }
  return names;
}
