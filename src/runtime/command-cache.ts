import type { Kysely } from "kysely";
import { z } from "zod";
import type { Clock } from "../clock.js";
import type { Schema } from "../db/schema.js";
import { actionSchema, type Action } from "./actions.js";

/** Whose cache entry: the whole bot's (`Bot.setCache`, user 0) or one user's (`User.setCache`). */
export interface CacheKey {
  botId: number;
  commandId: number;
  userId: number;
}

const storedActions = z.array(actionSchema);

/** The largest cached run, in bytes of JSON: a run's whole output may be larger (2 MB). */
export const MAX_CACHED_BYTES = 256 * 1024;

/**
 * Cached command runs (spec/bjs.md §2.11): a run that called `setCache(seconds)` leaves its
 * actions here, and while the entry is valid a run of that command replays them instead of
 * running its BJS. `params` and `options` are not part of the key, as in Bots.Business.
 */
export class CommandCache {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock,
  ) {}

  /**
   * The valid entry's actions (checked again: stored data is not trusted more than BJS), with
   * the characters they take as stored (about what the run that made them output), or undefined.
   */
  async find(key: CacheKey): Promise<{ actions: Action[]; chars: number } | undefined> {
    const row = await this.db
      .selectFrom("command_caches")
      .select(["actions", "expires_at"])
      .where("bot_id", "=", key.botId)
      .where("command_id", "=", key.commandId)
      .where("user_id", "=", key.userId)
      .executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.clock.now()) return undefined;
    const parsed = storedActions.safeParse(JSON.parse(row.actions));
    return parsed.success ? { actions: parsed.data, chars: row.actions.length } : undefined;
  }

  /** Keeps a run's actions; answers false (keeping nothing) when they are too large to cache. */
  async store(key: CacheKey, actions: Action[], seconds: number): Promise<boolean> {
    const json = JSON.stringify(actions);
    if (Buffer.byteLength(json) > MAX_CACHED_BYTES) return false;
    const values = { actions: json, expires_at: Math.round(this.clock.now() + seconds * 1000) };
    await this.db
      .insertInto("command_caches")
      .values({ bot_id: key.botId, command_id: key.commandId, user_id: key.userId, ...values })
      .onConflict((oc) => oc.columns(["bot_id", "command_id", "user_id"]).doUpdateSet(values))
      .execute();
    return true;
  }

  async clear(key: CacheKey): Promise<void> {
    await this.db.deleteFrom("command_caches").where("bot_id", "=", key.botId).where("command_id", "=", key.commandId).where("user_id", "=", key.userId).execute();
  }
}
