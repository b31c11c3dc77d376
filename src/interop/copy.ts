import { setImmediate as nextTurn } from "node:timers/promises";
import { sql, type Kysely } from "kysely";
import type { User } from "../accounts/users.js";
import type { Bot, BotService } from "../bots/bots.js";
import { isoNow, type Clock } from "../clock.js";
import type { Schema } from "../db/schema.js";
import type { BotContentStore } from "./bot-content.js";

const MAX_NAME = 64;
/** Bot properties copied per statement: up to 5 MB of values. */
const COPY_BATCH = 500;

/** The name a copy gets when none is given: "<name> (copy)", cut to fit. */
export function copyName(name: string): string {
  const suffix = " (copy)";
  return `${name.slice(0, MAX_NAME - suffix.length)}${suffix}`;
}

/**
 * Copy Bot (spec/api.md): a new stopped bot of the same owner without a token, with the
 * source's commands, folders, libraries, bot properties and admin panels; chats, users and
 * their properties stay behind. A copy that fails half way is removed, never left half made.
 */
export async function copyBot(
  deps: { db: Kysely<Schema>; bots: BotService; content: BotContentStore; clock: Clock },
  owner: User,
  source: Bot,
  name?: string,
): Promise<Bot> {
  const copy = await deps.bots.create(owner, { name: name?.trim() || copyName(source.name) });
  try {
    await deps.content.replace(copy.id, await deps.content.read(source.id));
    const now = isoNow(deps.clock);
    // A batch at a time, with other work between (a bot may hold 256 MB of them: one statement held the platform's thread seconds on SQLite); no transaction is needed, as a copy that fails goes whole.
    const sourceProperties = deps.db.selectFrom("properties").where("bot_id", "=", source.id).where("user_id", "=", 0);
    for (let after = 0; ; ) {
      const batch = await sourceProperties.select("id").where("id", ">", after).orderBy("id").limit(COPY_BATCH).execute();
      if (batch.length === 0) break;
      const last = batch.at(-1)!.id;
      // Row to row in the engine: values as parameters would pass its limit on them.
      await deps.db
        .insertInto("properties")
        .columns(["bot_id", "user_id", "name", "value_type", "value", "created_at", "updated_at"])
        .expression((eb) =>
          sourceProperties
            .select([sql.lit(copy.id).as("bot_id"), sql.lit(0).as("user_id"), "name", "value_type", "value", eb.val(now).as("created_at"), eb.val(now).as("updated_at")])
            .where("id", ">", after)
            .where("id", "<=", last)
            .orderBy("id"),
        )
        .execute();
      after = last;
      await nextTurn();
    }
    const panels = await deps.db.selectFrom("admin_panels").selectAll().where("bot_id", "=", source.id).orderBy("id").execute();
    if (panels.length > 0) await deps.db.insertInto("admin_panels").values(panels.map(({ id: _id, ...row }) => ({ ...row, bot_id: copy.id, created_at: now, updated_at: now }))).execute();
  } catch (error) {
    await deps.bots.delete(copy);
    throw error;
  }
  return copy;
}
