import type { Generated } from "kysely";

/**
 * The tables, as both engines store them. Timestamps are ISO 8601 UTC strings with
 * milliseconds (they sort as text and are what the API prints); flags are 0/1 integers
 * (SQLite has no boolean).
 */
export interface Schema {
  users: UsersTable;
  sessions: SessionsTable;
  password_resets: PasswordResetsTable;
  telegram_accounts: TelegramAccountsTable;
  telegram_link_tokens: TelegramLinkTokensTable;
  iteration_counters: IterationCountersTable;
  bots: BotsTable;
  commands_folders: CommandsFoldersTable;
  bot_commands: BotCommandsTable;
  command_aliases: CommandAliasesTable;
  bot_users: BotUsersTable;
  chats: ChatsTable;
  properties: PropertiesTable;
  bot_storage: BotStorageTable;
  /** PostgreSQL: what statements changed of bots' totals, not folded into bot_storage yet. */
  bot_storage_changes: BotStorageTable;
  error_logs: ErrorLogsTable;
  admin_panels: AdminPanelsTable;
  bot_libs: BotLibsTable;
  bot_waits: BotWaitsTable;
  update_inbox: UpdateInboxTable;
  jobs: JobsTable;
  interop_tasks: InteropTasksTable;
  bot_lib_files: BotLibFilesTable;
  broadcasts: BroadcastsTable;
  bot_lists: BotListsTable;
  bot_list_users: BotListUsersTable;
  command_caches: CommandCachesTable;
  run_journal: RunJournalTable;
  run_outbox: RunOutboxTable;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string | null;
  password_hash: string | null;
  api_key_hash: string;
  api_key_sealed: string;
  ads_enabled: number;
  payment_plan: string;
  extra_points: number;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id: Generated<number>;
  user_id: number;
  client: string;
  token_hash: string;
  token_issued_at: string;
  previous_token_hash: string | null;
  previous_valid_until: string | null;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

export interface PasswordResetsTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface TelegramAccountsTable {
  id: Generated<number>;
  user_id: number;
  telegramid: number;
  first_name: string | null;
  last_name: string | null;
  username: string | null;
  photo_url: string | null;
  created_at: string;
}

export interface TelegramLinkTokensTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  expires_at: string;
  created_at: string;
}

export interface IterationCountersTable {
  owner_id: number;
  bot_id: number;
  /** The month the counter belongs to, `YYYY-MM` (UTC). */
  period: string;
  used: number;
}

export interface BotsTable {
  id: Generated<number>;
  owner_id: number;
  name: string;
  /** The Telegram token, sealed; null when the bot has none yet. */
  token_sealed: string | null;
  /** Keyed hash of the token: one token serves one bot. */
  token_hash: string | null;
  username: string | null;
  status: string;
  status_error: string | null;
  pic_url: string | null;
  csv_url: string | null;
  git_remote: string | null;
  store_bot_id: number | null;
  last_run_at: string | null;
  /** Telegram echoes it in `X-Telegram-Bot-Api-Secret-Token` on each webhook call. */
  webhook_secret: string;
  /** Bumped by every change to the bot's commands (see BotStore.changeCommands). */
  commands_version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface CommandsFoldersTable {
  id: Generated<number>;
  bot_id: number;
  title: string;
  created_at: string;
  updated_at: string;
}

export interface BotCommandsTable {
  id: Generated<number>;
  bot_id: number;
  command: string;
  help: string | null;
  answer: string | null;
  keyboard_body: string | null;
  /** The user group allowed to run it (the API's `group` / `commands_group.title`). */
  group_title: string | null;
  need_reply: number;
  auto_retry_time: number | null;
  last_auto_retry_at: string | null;
  commands_folder_id: number | null;
  code: string | null;
  bjs_mode: string | null;
  created_via_csv_import: number;
  last_csv_import_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface CommandAliasesTable {
  id: Generated<number>;
  bot_id: number;
  bot_command_id: number;
  /** Trimmed and lower-cased. */
  command: string;
  created_at: string;
  updated_at: string;
}

export interface BotUsersTable {
  id: Generated<number>;
  bot_id: number;
  telegramid: number;
  first_name: string | null;
  last_name: string | null;
  username: string | null;
  language_code: string | null;
  /** The one BB user group the user is in (User.addToGroup). */
  user_group: string | null;
  created_at: string;
  updated_at: string;
}

export interface ChatsTable {
  id: Generated<number>;
  bot_id: number;
  /** The Telegram chat id, as text (the API answers it as a string). */
  chatid: string;
  chat_type: string;
  title: string | null;
  username: string | null;
  /** The bot user of a private chat. */
  user_id: number | null;
  blocked: number;
  /** 1 once Telegram answered 403 to a broadcast (the user blocked the bot); 0 again when they write. */
  unreachable: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** What a bot's stored data take, counted by the database (migration 0015). */
export interface BotStorageTable {
  bot_id: number;
  /** Its properties' and lists' bytes as migration 0015 counts them. */
  bytes: number;
}

export interface PropertiesTable {
  id: Generated<number>;
  bot_id: number;
  /** The bot user it belongs to; 0 for a bot-scoped property. */
  user_id: number;
  name: string;
  value_type: string;
  /** The value as JSON text. */
  value: string;
  /** The list it is attached to (`setProp({list})`), or null. */
  list_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface ErrorLogsTable {
  id: Generated<number>;
  bot_id: number;
  command_id: number | null;
  command_name: string | null;
  segment: string | null;
  line: number | null;
  column: number | null;
  message: string;
  stack: string | null;
  trigger: string | null;
  chat_id: number | null;
  user_id: number | null;
  group_key: string | null;
  created_at: string;
}

export interface AdminPanelsTable {
  id: Generated<number>;
  bot_id: number;
  name: string;
  title: string | null;
  description: string | null;
  /** The panel's `index` (ordering hint). */
  position: number;
  icon: string | null;
  button_title: string | null;
  /** The field definitions with their values, as JSON text. */
  fields: string;
  /** `{command, user_id?}` as JSON text, or null. */
  on_saving: string | null;
  created_at: string;
  updated_at: string;
}

export interface BotLibsTable {
  id: Generated<number>;
  bot_id: number;
  /** A library of the catalogue (src/catalog/libraries.ts). */
  lib_id: number;
  created_at: string;
}

export interface BotWaitsTable {
  id: Generated<number>;
  bot_id: number;
  /** Internal chat id. */
  chat_id: number;
  /** Internal bot user id. */
  user_id: number;
  command_id: number;
  /** JSON of the `options` to hand the reply. */
  options: string | null;
  created_at: string;
}

/** One accepted Telegram update of a bot (see runtime/intake/inbox.ts). */
export interface UpdateInboxTable {
  id: Generated<number>;
  bot_id: number;
  update_id: number;
  /** Updates with the same key are handled one after another, in id order. */
  ordering_key: string;
  /** The update as JSON. */
  payload: string;
  /** pending | done | failed */
  status: string;
  /** Failed attempts so far. */
  attempts: number;
  /** Times handling began; beginnings beyond the failed attempts are the process's deaths. */
  starts: Generated<number>;
  received_at: string;
  finished_at: string | null;
}

export interface JobsTable {
  id: Generated<number>;
  bot_id: number;
  /** Which registered handler runs it. */
  kind: string;
  /** The handler's input as JSON. */
  payload: string;
  /** When it may be taken: its due time while waiting, its lease's end while taken. */
  run_at: string;
  /** Jobs of one bot with the same key run one at a time, in id order. */
  ordering_key: string | null;
  /** A name to cancel or list by (BJS `label`); several jobs may share it. */
  label: string | null;
  /** At most one waiting job per bot has it; enqueueing it again replaces that job. */
  dedupe_key: string | null;
  /** Attempts started so far (a taken job counts one). */
  attempts: number;
  max_attempts: number;
  /** The worker holding its lease; null while it waits. */
  locked_by: string | null;
  last_error: string | null;
  created_at: string;
}

/** An import or export a user started (see interop/tasks.ts). */
export interface InteropTasksTable {
  id: Generated<number>;
  bot_id: number;
  /** csv_import | git_import | git_export */
  kind: string;
  /** pending | running | done | failed */
  status: string;
  /** Rows (CSV) or files (Git) to go through, once known. */
  total: Generated<number>;
  processed: Generated<number>;
  created: Generated<number>;
  updated: Generated<number>;
  removed: Generated<number>;
  skipped: Generated<number>;
  /** `[{row?, file?, line?, error}]` as JSON text: what was wrong, item by item. */
  errors: Generated<string>;
  /** Why the whole task failed, when it did. */
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A library source file a bot holds as its repository's `libs/<name>.js`. */
export interface BotLibFilesTable {
  id: Generated<number>;
  bot_id: number;
  /** The name under `Libs`. */
  name: string;
  source: string;
  created_at: string;
}

export interface BroadcastsTable {
  id: Generated<number>;
  bot_id: number;
  /** The recipient command (with params), or null for a text broadcast. */
  command: string | null;
  text: string | null;
  parse_mode: string | null;
  for_chats: string;
  /** JSON: what every recipient run gets as `options`. */
  options: string;
  status: string;
  /** The internal id of the last chat done; recipients are taken in chat-id order after it. */
  cursor: Generated<number>;
  /** The highest eligible chat id when counting began: chats that join later are not recipients. */
  last_chat_id: Generated<number>;
  total: Generated<number>;
  processed: Generated<number>;
  delivered: Generated<number>;
  failed: Generated<number>;
  blocked: Generated<number>;
  /** Time spent in progress before `active_since`, for the speed. */
  active_ms: Generated<number>;
  /** When the task last went in progress; null while it is not. */
  active_since: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

export interface BotListsTable {
  id: Generated<number>;
  bot_id: number;
  /** The bot user a user list belongs to; 0 for a bot list. */
  user_id: number;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface BotListUsersTable {
  id: Generated<number>;
  list_id: number;
  /** The list's bot (for the count of what the bot stores). */
  bot_id: number;
  bot_user_id: number;
  created_at: string;
}

export interface CommandCachesTable {
  id: Generated<number>;
  bot_id: number;
  command_id: number;
  /** The bot user of a `User.setCache` entry; 0 for `Bot.setCache`. */
  user_id: number;
  /** The cached run's actions, as JSON text. */
  actions: string;
  /** When the entry stops being valid (ms since the epoch). */
  expires_at: number;
}

/** What became of one delivery (`inbox:<id>`, `job:<id>`, ...): see src/runtime/run-journal.ts. */
export interface RunJournalTable {
  delivery_key: string;
  bot_id: number;
  state: "began" | "committed";
  created_at: number;
}

/** One effect a committed run left to do after its commit, in `seq` order. */
export interface RunOutboxTable {
  delivery_key: string;
  seq: number;
  kind: "telegram" | "jobs";
  method: string | null;
  /** JSON: the call's params, or the job specs. */
  payload: string;
  status: "pending" | "sending" | "sent" | "skipped";
}
