import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

function newestChange(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Whether the project at `root` has no build yet, or src/ was edited after its last build. */
export function buildIsStale(root: string): boolean {
  const built = join(root, "dist", "main.js");
  return !existsSync(built) || newestChange(join(root, "src")) > statSync(built).mtimeMs;
}

/**
 * Since `npm start` no longer builds (install does), say so when src/ was edited after the
 * build that is about to run; silent when running from source or without a src/ folder.
 */
export function staleBuildWarning(entry: string): string | undefined {
  const built = fileURLToPath(entry);
  const root = join(built, "../..");
  if (!built.endsWith(join("dist", "main.js")) || !existsSync(join(root, "src")) || !buildIsStale(root)) return undefined;
  return "botyard: src/ changed since the last build, which is what runs now; `npm run build` takes the changes in.";
}
