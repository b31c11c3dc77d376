import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.js";
import { preparedFirst } from "../db/prepared.js";
import { ValidationError } from "../errors.js";

/**
 * What a bot may store: its properties and lists, counted by the database (migration 0015),
 * up to BOT_STORAGE_MB. A bot at its quota may not take more (a new property, a larger value,
 * a new list or list member), but may overwrite and delete, so it can make room. Several runs
 * writing at once may each pass the check, and on PostgreSQL a run's writes count at its commit:
 * a bot goes past its quota by at most what those runs write.
 */
export class StorageQuota {
  private readonly storedBytes;

  constructor(
    db: Kysely<Schema>,
    readonly quotaBytes: number,
  ) {
    this.storedBytes = preparedFirst(db, 1, (botId) => db.selectFrom("bot_storage").select("bytes").where("bot_id", "=", botId));
  }

  /** What the bot's data take when they fill the quota; undefined while there is room. */
  async full(botId: number): Promise<number | undefined> {
    const used = Number((await this.storedBytes(botId))?.bytes ?? 0);
    return used >= this.quotaBytes ? used : undefined;
  }

  /** The refusal of `what` (e.g. "Property coins not saved") for a bot whose data take `used` bytes. */
  refusal(what: string, used: number): ValidationError {
    const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
    return new ValidationError([
      `${what}: the bot's properties and lists take ${megabytes(used)}, their quota is ${megabytes(this.quotaBytes)} (BOT_STORAGE_MB); delete properties or lists the bot no longer needs to store more`,
    ]);
  }
}
