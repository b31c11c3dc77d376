import { runInNewContext } from "node:vm";
import { installBjsSurface } from "../../src/runtime/bjs/surface.js";
import { installCompatSurface } from "../../src/runtime/bjs/compat-surface.js";
import { surfaceConfig } from "../../src/runtime/bjs/surface-config.js";

/**
 * The names a bot's realm answers as globals (inert-body.ts): the language's own, from a fresh
 * context of the same V8 with its prototypes, and the surface's, installed on a plain object
 * as the editor's name list does (web/scripts/bjs-names.ts).
 */
export function realmGlobalNames(): ReadonlySet<string> {
  const surface: Record<string, unknown> = {};
  installBjsSurface(surface, () => "null", surfaceConfig({ maxActions: 1000, maxActionBytes: 1 << 20 }), () => [], installCompatSurface);
  const names = new Set(Object.getOwnPropertyNames(surface));
  for (let at = runInNewContext("globalThis") as object | null; at !== null; at = Object.getPrototypeOf(at)) {
    for (const name of Object.getOwnPropertyNames(at)) names.add(name);
  }
  return names;
}
