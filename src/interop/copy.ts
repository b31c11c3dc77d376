import { sql, type Kysely } from "kysely";
import type { User } from "../accounts/users.js";
import type { Bot, BotService } from "../bots/bots.js";
import { isoNow, type Clock } from "../clock.js";
import type { Schema } from "../db/schema.js";
import type { BotContentStore } from "./bot-content.js";

const MAX_NAME = 64;

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
    await deps.db.transaction().execute(async (trx) => {
      // In one statement however many there are: a row's values as parameters would pass the engines' limit on them.
      await trx
        .insertInto("properties")
        .columns(["bot_id", "user_id", "name", "value_type", "value", "created_at", "updated_at"])
        .expression((eb) =>
          eb
            .selectFrom("properties")
            .select([sql.lit(copy.id).as("bot_id"), sql.lit(0).as("user_id"), "name", "value_type", "value", eb.val(now).as("created_at"), eb.val(now).as("updated_at")])
            .where("bot_id", "=", source.id)
            .where("user_id", "=", 0)
            .orderBy("id"),
        )
        .execute();
      const panels = await trx.selectFrom("admin_panels").selectAll().where("bot_id", "=", source.id).orderBy("id").execute();
      if (panels.length > 0) await trx.insertInto("admin_panels").values(panels.map(({ id: _id, ...row }) => ({ ...row, bot_id: copy.id, created_at: now, updated_at: now }))).execute();
    });
  } catch (error) {
    await deps.bots.delete(copy);
    throw error;
  }
  return copy;
}
