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
