import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { Clock } from "../clock.js";
import type { Schema } from "../db/schema.js";

/** One month of usage: what the owner spent, in all and per bot. */
export interface IterationUsage {
  used: number;
  period_started_at: string;
  renews_at: string;
  bots: { bot_id: number; name: string | null; used: number }[];
}

/** The billing month of a moment: `YYYY-MM` and its bounds (UTC). */
export function billingPeriod(ms: number): { key: string; start: Date; end: Date } {
  const at = new Date(ms);
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return { key: start.toISOString().slice(0, 7), start, end };
}

/** The per-owner, per-bot, per-month iteration counters. */
export class IterationMeter {
  constructor(private readonly db: Kysely<Schema>, private readonly clock: Clock) {}

  /** Adds iterations spent by a bot to its owner's counter for the current month. */
  async add(ownerId: number, botId: number, iterations: number): Promise<void> {
    await this.db
      .insertInto("iteration_counters")
      .values({ owner_id: ownerId, bot_id: botId, period: billingPeriod(this.clock.now()).key, used: iterations })
      .onConflict((oc) => oc.columns(["owner_id", "period", "bot_id"]).doUpdateSet({ used: sql`iteration_counters.used + excluded.used` }))
      .execute();
  }

  /**
   * Moves a deleted bot's counters into the owner's `bot_id = 0` ("deleted bots") counters,
   * inside the deleting transaction: usage stays billed and no row names the bot.
   */
  async foldDeletedBot(trx: Kysely<Schema>, ownerId: number, botId: number): Promise<void> {
    await trx
      .insertInto("iteration_counters")
      .columns(["owner_id", "bot_id", "period", "used"])
      .expression((eb) =>
        eb
          .selectFrom("iteration_counters")
          .select(["owner_id", sql<number>`0`.as("bot_id"), "period", "used"])
          .where("owner_id", "=", ownerId)
          .where("bot_id", "=", botId),
      )
      .onConflict((oc) => oc.columns(["owner_id", "period", "bot_id"]).doUpdateSet({ used: sql`iteration_counters.used + excluded.used` }))
      .execute();
    await trx.deleteFrom("iteration_counters").where("owner_id", "=", ownerId).where("bot_id", "=", botId).execute();
  }

  /** The owner's usage in the current month; the `bot_id = 0` row is the deleted bots'. */
  async usage(ownerId: number): Promise<IterationUsage> {
    const period = billingPeriod(this.clock.now());
    const rows = await this.db
      .selectFrom("iteration_counters")
      .leftJoin("bots", "bots.id", "iteration_counters.bot_id")
      .select(["iteration_counters.bot_id", "iteration_counters.used", "bots.name"])
      .where("iteration_counters.owner_id", "=", ownerId)
      .where("iteration_counters.period", "=", period.key)
      .orderBy("iteration_counters.bot_id")
      .execute();
    return {
      used: rows.reduce((sum, row) => sum + row.used, 0),
      period_started_at: period.start.toISOString(),
      renews_at: period.end.toISOString(),
      bots: rows.map((row) => ({ bot_id: row.bot_id, name: row.name, used: row.used })),
    };
  }
}
