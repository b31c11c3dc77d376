/** A library of the store: what `GET /v2/store/libs` lists and a bot installs by id or name. */
export interface Library {
  id: number;
  /** The name BJS reaches it by: `Libs.<name>`. */
  name: string;
  description: string;
  img_url: string | null;
  /** When this entry last changed. */
  updated_at: string;
}

const RELEASED = "2026-01-01T00:00:00.000Z";

// The libraries of spec/bjs.md §6.2 the platform ships (each one a source in libs/), in the
// order of the store. Ids are stable (bots store them) and never reused; 5 is CurrencyQuote,
// which is built into the BJS surface (no source, nothing to install). The core libraries
// (CORE_LIBS in lib-sources.ts, CryptoJS among them) stay listed although every bot has them:
// installing one changes nothing, and bots exported before they were core, or clients that
// install them by id, must not meet a 404.
const entries: [id: number, name: string, description: string][] = [
  [1, "ResourcesLib", "Resources (balances, scores) per user or chat, with automatic growth"],
  [2, "ReferralLib", "Referral links, tracking who invited whom, and referral lists"],
  [3, "TopBoardLib", "Leaderboards of user scores"],
  [4, "CommonLib", "Helpers for user names and Telegram mention links"],
  [6, "CryptoJS", "crypto-js: hashes (MD5, SHA), HMAC, AES and encodings, e.g. to check webhook signatures (core)"],
  [7, "SmartBot", "Answers written as data per language (templates, keyboards, placeholders) (core class)"],
  [8, "Webhooks", "Links that run a command when a site or service calls them (payment callbacks, Git pushes)"],
  [9, "Lang", "Translations: per-user language and dictionaries"],
  [10, "CooldownLib", "Cooldowns per user or chat before an action may run again"],
  [11, "Guard", "Admin-only commands: a folder that only the admins of an admin panel may run"],
  [12, "MembershipChecker", "Checks that users joined your channels and chats, with commands for each outcome"],
  [13, "DateTimeFormat", "Formats dates with masks such as yyyy-mm-dd HH:MM"],
  [14, "Random", "Random integers, floats and messages"],
  [15, "OxaPayLibV1", "OxaPay crypto payments (v1 API): invoices, payouts and verified callbacks"],
  [16, "CoinPayments", "CoinPayments crypto payments: transactions, deposit wallets and verified IPNs"],
  [17, "SmartAmountDialog", "Checks amounts users type: numbers, bounds, whole numbers, balance (core class)"],
  [18, "SmartTasker", "Tasks users work through one at a time for a reward (core class)"],
];

/** The library catalogue. */
export const libraries: readonly Library[] = entries.map(([id, name, description]) => ({
  id,
  name,
  description,
  img_url: null,
  updated_at: RELEASED,
}));

/** The library with that id, or that name (case-insensitive); `ref` is what clients send as `lib_id`. */
export function libraryOf(ref: number | string): Library | undefined {
  const text = String(ref).trim();
  if (/^\d+$/.test(text)) return libraries.find((lib) => lib.id === Number(text));
  return libraries.find((lib) => lib.name.toLowerCase() === text.toLowerCase());
}
