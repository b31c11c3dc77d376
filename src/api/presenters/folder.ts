import { z } from "zod";
import type { Folder } from "../../bots/folders.js";

/** Folder: a folder of commands. */
export const folderSchema = z.object({
  id: z.number(),
  title: z.string(),
  bot_id: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
}).meta({ id: "Folder" });

export function presentFolder(folder: Folder): z.infer<typeof folderSchema> {
  return { id: folder.id, title: folder.title, bot_id: folder.bot_id, created_at: folder.created_at, updated_at: folder.updated_at };
}
