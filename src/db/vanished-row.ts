/** The resource each referenced table holds, as the API names it in a 404. */
const RESOURCES: Record<string, string> = {
  bots: "Bot",
  bot_commands: "Command",
  commands_folders: "Folder",
};

/**
 * What a foreign-key failure says: a row the write refers to is gone, deleted by another
 * request since this one read it (a bot deleted while its command was being saved). Answers
 * the sentence for a 404, or undefined when the error is not such a failure. PostgreSQL names
 * the table; SQLite does not.
 */
export function vanishedRow(error: unknown): string | undefined {
  const e = error as { code?: unknown; detail?: unknown };
  if (e?.code !== "23503" && e?.code !== "SQLITE_CONSTRAINT_FOREIGNKEY") return undefined;
  const table = typeof e.detail === "string" ? /is not present in table "(\w+)"/.exec(e.detail)?.[1] : undefined;
  const resource = table === undefined ? undefined : RESOURCES[table];
  return resource ? `${resource} not found` : "Not found: a record this request refers to was deleted while it ran";
}
