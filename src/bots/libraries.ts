import type { Kysely } from "kysely";
import { isUniqueViolation } from "../accounts/users.js";
import { isoNow, type Clock } from "../clock.js";
import type { Schema } from "../db/schema.js";
import type { BotStore } from "./bots.js";
import { libraries, type Library } from "../catalog/libraries.js";
import { LibraryInstalledError, NotFoundError } from "../errors.js";

/**
 * The libraries installed in each bot (Store libraries, by catalogue id). Installing and
 * uninstalling change the bot's code as commands do: they bump its commands version, so the
 * runtime loads the new set on the next update.
 */
export class InstalledLibraries {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly bots: BotStore,
    private readonly clock: Clock,
  ) {}

  /** The bot's libraries in the order they were installed. */
  async of(botId: number): Promise<Library[]> {
    const rows = await this.db.selectFrom("bot_libs").select("lib_id").where("bot_id", "=", botId).orderBy("id").execute();
    return rows.flatMap((row) => libraries.find((lib) => lib.id === row.lib_id) ?? []);
  }

  /** Installs a library; installing it twice is refused. */
  async install(botId: number, library: Library): Promise<void> {
    try {
      await this.bots.changeCommands(botId, (trx) => trx.insertInto("bot_libs").values({ bot_id: botId, lib_id: library.id, created_at: isoNow(this.clock) }).execute());
    } catch (error) {
      if (isUniqueViolation(error)) throw new LibraryInstalledError();
      throw error;
    }
  }

  /** Removes the library from the bot (its data, in properties, stays). */
  async uninstall(botId: number, library: Library): Promise<void> {
    const result = await this.bots.changeCommands(botId, (trx) => trx.deleteFrom("bot_libs").where("bot_id", "=", botId).where("lib_id", "=", library.id).executeTakeFirst());
    if (result.numDeletedRows === 0n) throw new NotFoundError("Library");
  }

  /** How many bots have each library installed, by library id. */
  async installationCounts(): Promise<Map<number, number>> {
    const rows = await this.db.selectFrom("bot_libs").select((eb) => ["lib_id", eb.fn.countAll<number>().as("n")]).groupBy("lib_id").execute();
    return new Map(rows.map((row) => [row.lib_id, Number(row.n)]));
  }
}
