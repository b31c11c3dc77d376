import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { RepositoryFiles } from "./repository.js";

/** Every file of a folder (dot-directories such as .git left out), by path relative to it with `/` separators. */
export async function readFolderFiles(root: string): Promise<RepositoryFiles> {
  const files: RepositoryFiles = new Map();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = relative(root, join(entry.parentPath, entry.name)).split(sep).join("/");
    if (path.split("/").some((part) => part.startsWith("."))) continue;
    files.set(path, await readFile(join(root, path)));
  }
  return files;
}

/**
 * Writes a repository snapshot into a folder: `commands/` and `libs/` are replaced whole (a
 * deleted command leaves no file behind); other files of the folder (a .git, notes) stay.
 */
export async function writeFolderFiles(root: string, files: Map<string, string>): Promise<void> {
  await rm(join(root, "commands"), { recursive: true, force: true });
  await rm(join(root, "libs"), { recursive: true, force: true });
  for (const [path, text] of files) {
    const target = join(root, ...path.split("/"));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text);
  }
}
