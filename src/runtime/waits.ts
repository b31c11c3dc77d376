import type { Kysely } from "kysely";
import { isoNow, type Clock } from "../clock.js";
import type { Schema } from "../db/schema.js";
import { preparedFirst } from "../db/prepared.js";
import type { PendingWait } from "./router.js";

/** Where a wait lives: one user in one chat of one bot (internal ids). */
export interface WaitKey {
  botId: number;
  chatId: number;
  userId: number;
}

/**
 * Open "Wait for answer" prompts (spec/bjs.md §1.5): no expiry, a newer one replaces an
 * older one, consumed by the reply even when its BJS fails.
 */
export class WaitStore {
  /** Looked up for every update from a user in a chat. */
  private readonly findRow: (botId: number, chatId: number, userId: number) => Promise<{ command_id: number; options: string | null } | undefined>;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock,
  ) {
    this.findRow = preparedFirst(db, 3, (botId, chatId, userId) =>
      db.selectFrom("bot_waits").select(["command_id", "options"]).where("bot_id", "=", botId).where("chat_id", "=", chatId).where("user_id", "=", userId),
    );
  }

  async find(key: WaitKey): Promise<PendingWait | null> {
    const row = await this.findRow(key.botId, key.chatId, key.userId);
    return row ? { commandId: row.command_id, options: row.options === null ? null : JSON.parse(row.options) } : null;
  }

  async open(key: WaitKey, commandId: number, options: unknown): Promise<void> {
    const values = { command_id: commandId, options: options === null || options === undefined ? null : JSON.stringify(options), created_at: isoNow(this.clock) };
    await this.db
      .insertInto("bot_waits")
      .values({ bot_id: key.botId, chat_id: key.chatId, user_id: key.userId, ...values })
      .onConflict((oc) => oc.columns(["bot_id", "chat_id", "user_id"]).doUpdateSet(values))
      .execute();
  }

  async close(key: WaitKey): Promise<void> {
    await this.db.deleteFrom("bot_waits").where("bot_id", "=", key.botId).where("chat_id", "=", key.chatId).where("user_id", "=", key.userId).execute();
  }
}
