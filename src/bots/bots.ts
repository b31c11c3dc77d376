import { sql, type Kysely, type Selectable } from "kysely";
import type { UserFromGetMe } from "@grammyjs/types";
import type { IterationMeter } from "../accounts/iterations.js";
import { randomToken, type Secrets } from "../accounts/secrets.js";
import { isUniqueViolation } from "../accounts/users.js";
import { LocalCacheBus, type CacheBus } from "../cache-bus.js";
import { isoNow, type Clock } from "../clock.js";
import type { BotsTable, Schema } from "../db/schema.js";
import { fetchPage, type Page, type Window } from "../db/paging.js";
import { PlanLimitError, ValidationError } from "../errors.js";
import { Signal } from "../signal.js";
import { TelegramApiError } from "../telegram/bot-api.js";
import type { TelegramSender } from "../runtime/telegram-sender.js";
import { botUrlProblems } from "./bot-urls.js";

/** A bot row. Its token is sealed: read it with `BotStore.tokenOf`. */
export type Bot = Selectable<BotsTable>;

/** A bot with the counts the API shows beside it. */
export type BotWithCounts = Bot & { commands_count: number; chats_count: number };

/** The fields an owner sets on create and edit; on edit, a field left out stays as it is. */
export interface BotInput {
  name?: string;
  /** A Telegram token; null or "" removes it. */
  token?: string | null;
  csv_url?: string | null;
  git_remote?: string | null;
  pic_url?: string | null;
}

/** The longest bot name. */
export const MAX_BOT_NAME = 64;

/**
 * Whether a trimmed name has what a name shows: a visible character (not only ones that
 * render as nothing: zero-width, fillers such as U+3164, combining marks, the blank braille
 * cell), no control character (names are printed in lists and terminals), and no bidi
 * embedding or override, which makes a name read as another (`abc\u202Egnp.exe`).
 */
export function showsAsName(name: string): boolean {
  return !/[\p{Cc}\u202A-\u202E]/u.test(name) && /[^\s\p{Default_Ignorable_Code_Point}\p{Mn}\p{Me}\u2800]/u.test(name);
}

/** Whether a trimmed name may be a bot's. */
export function isBotName(name: string): boolean {
  return name.length <= MAX_BOT_NAME && showsAsName(name);
}

const TOKEN = /^\d+:[A-Za-z0-9_-]{30,}$/;

/** Bot rows kept in memory for `byId`. */
const CACHED_BOTS = 10_000;

/**
 * The bots table: owners' bots, their sealed tokens and their counts. Every write to a bot
 * row goes through here, which lets `byId` (read twice for every update) answer from memory:
 * each write drops the bot's cached row once it is committed, and tells the other processes
 * through the CacheBus (their copies, and so their CommandBooks, follow at their next read).
 */
export class BotStore {
  private readonly openedTokens = new Map<string, string>();
  private readonly cached = new Map<number, Readonly<Bot>>();
  /** Emits a bot's id once a change to its commands is committed (auto retry follows them). */
  readonly commandsChanged = new Signal<number>();
  /** Counts writes, so a read that raced one does not cache what it read. */
  private writes = 0;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly secrets: Secrets,
    private readonly iterations: IterationMeter,
    private readonly clock: Clock,
    private readonly bus: CacheBus = new LocalCacheBus(),
  ) {
    bus.onStale("bot", (id) => this.drop(id));
  }

  /** The bot with that id, whoever owns it (the runtime's look-up); the row is shared, read-only. */
  async byId(id: number): Promise<Readonly<Bot> | undefined> {
    const hit = this.cached.get(id);
    if (hit) return hit;
    const writes = this.writes;
    const row = await this.db.selectFrom("bots").selectAll().where("id", "=", id).executeTakeFirst();
    if (row && writes === this.writes) {
      if (this.cached.size >= CACHED_BOTS) this.cached.delete(this.cached.keys().next().value!);
      this.cached.set(id, Object.freeze(row));
    }
    return row;
  }

  /** Every bot in one of these statuses, oldest first (the runtime resumes them at start). */
  withStatus(statuses: readonly string[]): Promise<Bot[]> {
    return this.db.selectFrom("bots").selectAll().where("status", "in", [...statuses]).orderBy("id").execute();
  }

  /** The owner's bot with that id, with its counts; undefined for anyone else's bot. */
  byIdForOwner(ownerId: number, id: number): Promise<BotWithCounts | undefined> {
    return this.withCounts().where("bots.owner_id", "=", ownerId).where("bots.id", "=", id).executeTakeFirst();
  }

  /** One page of the owner's bots, oldest first. */
  listForOwner(ownerId: number, window: Window): Promise<Page<BotWithCounts>> {
    return fetchPage(this.withCounts().where("bots.owner_id", "=", ownerId).orderBy("bots.id"), window);
  }

  async countForOwner(ownerId: number): Promise<number> {
    const row = await this.db.selectFrom("bots").select((eb) => eb.fn.countAll<number>().as("n")).where("owner_id", "=", ownerId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The bot's Telegram token in clear, or null when it has none. */
  tokenOf(bot: Pick<Bot, "token_sealed">): string | null {
    if (!bot.token_sealed) return null;
    // The runtime asks on every update; a sealed value always opens to the same token.
    let token = this.openedTokens.get(bot.token_sealed);
    if (token === undefined) {
      token = this.secrets.unseal(bot.token_sealed);
      if (this.openedTokens.size >= 10_000) this.openedTokens.clear();
      this.openedTokens.set(bot.token_sealed, token);
    }
    return token;
  }

  /**
   * Creates a stopped bot unless the owner has `limit` bots already (then undefined); a token
   * another bot uses is a validation error. Parallel creates of one owner queue on the
   * owner's row, so none slips past the limit.
   */
  async insert(ownerId: number, fields: StoredFields & { name: string }, limit = Number.POSITIVE_INFINITY): Promise<Bot | undefined> {
    const now = isoNow(this.clock);
    return this.uniqueToken(() =>
      this.db.transaction().execute(async (trx) => {
        // A no-op write takes the owner's row lock (PostgreSQL); SQLite runs one transaction at a time.
        await trx.updateTable("users").set({ id: ownerId }).where("id", "=", ownerId).execute();
        const { n } = await trx.selectFrom("bots").select((eb) => eb.fn.countAll<number>().as("n")).where("owner_id", "=", ownerId).executeTakeFirstOrThrow();
        if (Number(n) >= limit) return undefined;
        return trx
          .insertInto("bots")
          .values({ owner_id: ownerId, status: "stopped", webhook_secret: randomToken(), created_at: now, updated_at: now, ...fields })
          .returningAll()
          .executeTakeFirstOrThrow();
      }),
    );
  }

  /** Changes the given fields. */
  async update(id: number, fields: StoredFields): Promise<void> {
    await this.writing(id, () => this.uniqueToken(() => this.db.updateTable("bots").set({ ...fields, updated_at: isoNow(this.clock) }).where("id", "=", id).execute()));
  }

  /** Records the runtime's view of the bot: its status, why it failed, when it last started. */
  async setStatus(id: number, fields: Partial<Pick<Bot, "status" | "status_error" | "last_run_at">>): Promise<void> {
    await this.writing(id, () => this.db.updateTable("bots").set({ ...fields, updated_at: isoNow(this.clock) }).where("id", "=", id).execute());
  }

  /**
   * Runs `write` in a transaction that also marks a change to the bot's commands (a command,
   * its aliases, or a folder they show). The runtime reloads its routing table when
   * `commands_version` moves, which a timestamp cannot promise for two edits in one millisecond.
   */
  async changeCommands<T>(botId: number, write: (trx: Kysely<Schema>) => Promise<T>): Promise<T> {
    const result = await this.writing(botId, () =>
      this.db.transaction().execute(async (trx) => {
        // First, so the bot's row is held (PostgreSQL) while `write` counts and writes its commands.
        await trx.updateTable("bots").set({ commands_version: sql`commands_version + 1` }).where("id", "=", botId).execute();
        return write(trx);
      }),
    );
    // After the cached row is dropped, so listeners read the new commands_version.
    await this.commandsChanged.emit(botId);
    return result;
  }

  /**
   * Deletes the bot and, through the cascading keys, every row it owns, in one transaction
   * that also folds its iteration counters into the owner's "deleted bots" counter.
   */
  async delete(bot: Bot): Promise<void> {
    await this.writing(bot.id, () =>
      this.db.transaction().execute(async (trx) => {
        await this.iterations.foldDeletedBot(trx, bot.owner_id, bot.id);
        await trx.deleteFrom("bots").where("id", "=", bot.id).execute();
        // What the cascade took off its storage count, noted on PostgreSQL (migration 0015): nothing is left to count it against.
        await trx.deleteFrom("bot_storage_changes").where("bot_id", "=", bot.id).execute();
      }),
    );
  }

  /** Runs a write to the bot's row, then drops its cached copy here and everywhere (also when the write failed). */
  private async writing<T>(id: number, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      this.drop(id);
      await this.bus.changed("bot", id);
    }
  }

  /** Forgets the bot's row (every row when undefined), and any read in flight does not cache what it read. */
  private drop(id: number | undefined): void {
    this.writes++;
    if (id === undefined) this.cached.clear();
    else this.cached.delete(id);
  }

  /** The sealed token and its hash, or nulls when the token is removed. */
  tokenFields(token: string | null): Pick<Bot, "token_sealed" | "token_hash"> {
    return token ? { token_sealed: this.secrets.seal(token), token_hash: this.secrets.hash(token) } : { token_sealed: null, token_hash: null };
  }

  /** Answers whether another bot than `exceptId` already uses the token. */
  async tokenTaken(token: string, exceptId = 0): Promise<boolean> {
    const row = await this.db.selectFrom("bots").select("id").where("token_hash", "=", this.secrets.hash(token)).where("id", "!=", exceptId).executeTakeFirst();
    return row !== undefined;
  }

  private withCounts() {
    return this.db
      .selectFrom("bots")
      .selectAll("bots")
      .select((eb) => [
        eb.selectFrom("bot_commands").select(eb.fn.countAll<number>().as("n")).whereRef("bot_commands.bot_id", "=", "bots.id").as("commands_count"),
        eb.selectFrom("chats").select(eb.fn.countAll<number>().as("n")).whereRef("chats.bot_id", "=", "bots.id").as("chats_count"),
      ])
      .$narrowType<{ commands_count: number; chats_count: number }>();
  }

  private async uniqueToken<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ValidationError([TOKEN_TAKEN]);
      throw error;
    }
  }
}

/** The columns an owner's input turns into. */
type StoredFields = Partial<Pick<Bot, "name" | "token_sealed" | "token_hash" | "username" | "csv_url" | "git_remote" | "pic_url" | "store_bot_id">>;

const TOKEN_TAKEN = "Token is already used by another bot";

/** The bot's Telegram side, as edits and deletion need it; the runtime supplies the real one. */
export interface BotLifecycle {
  /** Starts the bot; Telegram's refusal shows in its status, not as a throw. */
  start(bot: Pick<Bot, "id">): Promise<void>;
  /** Stops the bot; must not throw (a failure is logged, the caller goes on). */
  stop(bot: Pick<Bot, "id">, options?: StopOptions): Promise<void>;
}

export interface StopOptions {
  /** Keep the bot's pending runs (it starts again at once, under a new token); else they are cancelled. */
  keepRuns?: boolean;
}

/** The statuses a bot has while it should be receiving updates. */
export const RECEIVING_STATUSES = ["works", "start_launch"] as const;

export function isReceiving(status: string): boolean {
  return (RECEIVING_STATUSES as readonly string[]).includes(status);
}

export interface BotServiceOptions {
  /** The owner's bot limit (from the plan). */
  botsLimit: (owner: { payment_plan: string }) => number;
  /** How token checks reach Telegram. */
  sender: Pick<TelegramSender, "call">;
  lifecycle: BotLifecycle;
}

/** Creating, editing and deleting bots: plan limits, token checks with Telegram, clean removal. */
export class BotService {
  constructor(
    readonly store: BotStore,
    private readonly options: BotServiceOptions,
  ) {}

  /** Creates a stopped bot for the owner, checking the plan's limit and the token. */
  async create(owner: { id: number; payment_plan: string }, input: BotInput & { name: string }): Promise<Bot> {
    const limit = this.options.botsLimit(owner);
    const overLimit = () => new PlanLimitError(`Your plan allows ${limit} bots; delete a bot or choose a bigger plan`);
    // Counted first too, so a full plan answers before the token is checked with Telegram.
    if ((await this.store.countForOwner(owner.id)) >= limit) throw overLimit();
    const bot = await this.store.insert(owner.id, { ...(await this.fieldsOf(input)), name: input.name }, limit);
    if (!bot) throw overLimit();
    return bot;
  }

  /**
   * Changes the fields given; a new token is checked with Telegram. A running bot whose token
   * changes is stopped under the old token and started under the new one (without a token, it
   * stays stopped), so its webhook or polling follows the token.
   */
  async update(bot: Bot, input: BotInput): Promise<void> {
    const fields = await this.fieldsOf(input, bot.id);
    const moves = isReceiving(bot.status) && fields.token_hash !== undefined && fields.token_hash !== bot.token_hash;
    if (moves) await this.options.lifecycle.stop(bot, { keepRuns: true });
    try {
      await this.store.update(bot.id, fields);
    } catch (error) {
      // The edit did not happen: the bot goes on under its old token.
      if (moves) await this.options.lifecycle.start(bot);
      throw error;
    }
    if (moves && fields.token_hash) await this.options.lifecycle.start(bot);
  }

  /** Stops the bot (never blocking on Telegram), then removes it and all it owns. */
  async delete(bot: Bot): Promise<void> {
    await this.options.lifecycle.stop(bot);
    await this.store.delete(bot);
  }

  private async fieldsOf(input: BotInput, botId = 0): Promise<StoredFields> {
    const problems = botUrlProblems(input);
    if (problems.length > 0) throw new ValidationError(problems);
    const { token, ...plain } = input;
    if (token === undefined) return plain;
    if (token === null || token === "") return { ...plain, ...this.store.tokenFields(null), username: null };
    const me = await this.checkToken(token, botId);
    return { ...plain, ...this.store.tokenFields(token), username: me.username };
  }

  /** The bot's identity from Telegram; any refusal is a validation error with Telegram's reason. */
  private async checkToken(token: string, botId: number): Promise<UserFromGetMe> {
    if (!TOKEN.test(token)) throw new ValidationError(["Token is invalid (expected the form 123456789:AAE... that @BotFather gives)"]);
    if (await this.store.tokenTaken(token, botId)) throw new ValidationError([TOKEN_TAKEN]);
    try {
      // One attempt: the owner's request waits for the answer.
      return (await this.options.sender.call(token, "getMe", {}, { retry: false })) as UserFromGetMe;
    } catch (error) {
      if (error instanceof TelegramApiError) throw new ValidationError([`Token is rejected by Telegram: ${error.description}`]);
      throw new ValidationError([`Token could not be checked: ${(error as Error).message}`]);
    }
  }
}
