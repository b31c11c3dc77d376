import { sql, type Kysely } from "kysely";
import type { Logger } from "pino";
import type { Schema } from "../db/schema.js";
import { preparedFirst } from "../db/prepared.js";
import { ValidationError } from "../errors.js";

/** What a property of that name and JSON value counts, as migration 0015's triggers count it. */
export function propertyBytes(name: string, json: string): number {
  return Buffer.byteLength(name) + Buffer.byteLength(json) + 64;
}

/** What a list of that name counts, and each of its members, as migration 0015's triggers count them. */
export const listBytes = (name: string): number => Buffer.byteLength(name) + 64;
export const LIST_MEMBER_BYTES = 64;

/**
 * Changes a bot may have noted (PostgreSQL, migration 0015) before a check folds them into its
 * total: each check sums them, and a fold per check would lock the total as often as the bot writes.
 */
const FOLD_AFTER_CHANGES = 50;

/**
 * What a bot may store: its properties and lists, counted by the database (migration 0015),
 * up to BOT_STORAGE_MB. A bot at its quota may not take more (a new property, a larger value,
 * a new list or list member), but may overwrite and delete, so it can make room. Several runs
 * writing at once may each pass the check (on PostgreSQL a run's writes count for the others
 * once it commits): a bot goes past its quota by at most what those runs write.
 */
export class StorageQuota {
  private readonly storedBytes;
  /**
   * The bots with a fold under way: one at a time each. A run's own uncommitted changes are
   * counted but no fold can move them, and 9,000 writes in one update started a fold each, on
   * the small pool the run journal's notes use.
   */
  private readonly folding = new Set<number>();

  /**
   * @param foldsOn PostgreSQL's connections that commit at once (RunScopes.independent), where
   * noted changes are folded outside any run's transaction, so a fold never holds a bot's total
   * until a run ends; none for SQLite, which notes no changes.
   */
  constructor(
    db: Kysely<Schema>,
    readonly quotaBytes: number,
    private readonly log: Logger,
    private readonly foldsOn?: Kysely<Schema>,
  ) {
    // The total and the changes not folded into it yet (this transaction's own included).
    this.storedBytes = preparedFirst(db, 2, (botId, sameBotId) =>
      db
        .selectFrom("bot_storage_changes")
        .select((eb) => [eb.selectFrom("bot_storage").select("bytes").where("bot_id", "=", botId).as("total"), eb.fn.sum<number>("bytes").as("changes"), eb.fn.countAll<number>().as("noted")])
        .where("bot_id", "=", sameBotId),
    );
  }

  /** What the bot's data take, in bytes as migration 0015 counts them. */
  async used(botId: number): Promise<number> {
    const row = await this.storedBytes(botId, botId);
    if (Number(row?.noted ?? 0) > FOLD_AFTER_CHANGES && !this.folding.has(botId)) {
      this.folding.add(botId);
      this.fold(botId)
        .catch((error: unknown) => this.log.error({ err: error, bot_id: botId }, "could not fold the bot's storage count"))
        .finally(() => this.folding.delete(botId));
    }
    return Number(row?.total ?? 0) + Number(row?.changes ?? 0);
  }

  /** What the bot's data take when they fill the quota; undefined while there is room. */
  async full(botId: number): Promise<number | undefined> {
    const used = await this.used(botId);
    return used >= this.quotaBytes ? used : undefined;
  }

  /**
   * PostgreSQL: moves the bot's committed changes into its total, in one statement, so each is
   * counted once however many processes fold at once.
   */
  async fold(botId: number): Promise<void> {
    if (!this.foldsOn) return;
    await sql`
      WITH moved AS (DELETE FROM bot_storage_changes WHERE bot_id = ${botId} RETURNING bot_id, bytes)
      INSERT INTO bot_storage (bot_id, bytes)
      SELECT bot_id, sum(bytes) FROM moved WHERE EXISTS (SELECT 1 FROM bots WHERE bots.id = moved.bot_id) GROUP BY bot_id
      ON CONFLICT (bot_id) DO UPDATE SET bytes = bot_storage.bytes + excluded.bytes`.execute(this.foldsOn);
  }

  /** The refusal of `what` (e.g. "Property coins not saved") for a bot whose data take `used` bytes. */
  refusal(what: string, used: number): ValidationError {
    const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
    return new ValidationError([
      `${what}: the bot's properties and lists take ${megabytes(used)}, their quota is ${megabytes(this.quotaBytes)} (BOT_STORAGE_MB); delete properties or lists the bot no longer needs to store more`,
    ]);
  }
}
