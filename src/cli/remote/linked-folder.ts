import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CliError } from "../errors.js";

/** `.botyard.json` in a pulled folder: which bot on which server it belongs to. */
export interface FolderLink {
  server: string;
  bot_id: number;
}

const LINK = ".botyard.json";

export async function writeLink(dir: string, link: FolderLink): Promise<void> {
  await writeFile(join(dir, LINK), `${JSON.stringify(link, null, 2)}\n`);
}

/** The folder's link; a CliError when the folder was never pulled. */
export async function readLink(dir: string): Promise<FolderLink> {
  const path = join(dir, LINK);
  if (!existsSync(path)) throw new CliError(`${dir} has no ${LINK}; run 'botyard pull <bot> ${dir}' first (or pass --bot)`);
  const link = JSON.parse(await readFile(path, "utf8")) as FolderLink;
  if (!Number.isSafeInteger(link.bot_id)) throw new CliError(`${path} names no bot_id`);
  return link;
}
