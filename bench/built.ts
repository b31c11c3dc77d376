import { fileURLToPath } from "node:url";
import { buildIsStale } from "../src/cli/stale-build.js";

const root = new URL("../", import.meta.url);
let checked = false;

/**
 * Imports a platform module as `npm start` runs it: the JavaScript that tsc built into dist/,
 * not the TypeScript source through tsx. tsx's transform wraps every function it makes in a
 * naming helper and runs the sandbox processes through its loader, costs the built platform does
 * not pay: a benchmark that sets the platform beside another program measures what users run.
 * Refuses a dist/ older than the source, which `npm run build` brings up to date.
 *
 *   const { createPlatform } = await built<typeof import("../src/platform.js")>("platform.js");
 */
export async function built<Module>(path: `${string}.js`): Promise<Module> {
  if (!checked && buildIsStale(fileURLToPath(root))) throw new Error("dist/ is older than src/ (or missing): run `npm run build` first, the benchmark measures the built platform");
  checked = true;
  return (await import(new URL(`dist/${path}`, root).href)) as Module;
}
