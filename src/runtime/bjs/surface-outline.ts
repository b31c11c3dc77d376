import { installCompatSurface } from "./compat-surface.js";
import { installBjsSurface } from "./surface.js";
import { surfaceConfig } from "./surface-config.js";

/**
 * The BJS surface installed on a plain object, outside any isolate and with no user code, so
 * its names can be listed: the editor's completions (web/scripts/bjs-names.ts) and the tests
 * that need the globals a realm answers. Answers the surface's session.
 */
export function surfaceOutline(global: Record<string, unknown>): ReturnType<typeof installBjsSurface> {
  return installBjsSurface(global, () => "null", surfaceConfig({ maxActions: 1000, maxActionBytes: 1 << 20 }), () => [], installCompatSurface);
}
