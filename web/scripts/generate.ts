/**
 * Build step of the dashboard: writes the types of the public API (from the OpenAPI document
 * of a throw-away platform) and the BJS names for the editor's completions.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type { OpenAPIV3_1 } from "openapi-types";
import { buildApp } from "../../src/api/app.js";
import { loadConfig } from "../../src/config.js";
import { createPlatform } from "../../src/platform.js";
import { bjsNames } from "./bjs-names.js";
import { operationsModule } from "./openapi-types.js";

const source = join(import.meta.dirname, "../src");
const dataDir = mkdtempSync(join(tmpdir(), "botyard-web-build-"));
try {
  const platform = await createPlatform(loadConfig({ DATA_DIR: dataDir, SECRET_KEY: "build" }), { log: pino({ level: "silent" }) });
  const app = await buildApp(platform);
  await app.ready();
  writeFileSync(join(source, "api/operations.gen.ts"), operationsModule(app.swagger() as OpenAPIV3_1.Document));
  await app.close();
  // The checkpoint worker is unref'd: without a live handle, awaiting its exit ends the script early.
  const keepAlive = setInterval(() => {}, 1000);
  await platform.close();
  clearInterval(keepAlive);
  const names = bjsNames();
  writeFileSync(
    join(source, "editor/bjs-names.gen.ts"),
    `// Generated from src/runtime/bjs/surface.ts by web/scripts/generate.ts: do not edit.\n\n/** The BJS globals and their members. */\nexport const bjsNames: Array<{ label: string; type: string }> = ${JSON.stringify(names, null, 1)};\n`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
