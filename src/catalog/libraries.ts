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

// The libraries of spec/bjs.md §6.2 that still work, in the order of the store; ids are
// stable (bots store them). Their BJS sources come with the runtime.
const entries: [name: string, description: string][] = [
  ["ResourcesLib", "Resources (balances, scores) per user or chat, with automatic growth"],
  ["ReferralLib", "Referral links, tracking who invited whom, and referral lists"],
  ["TopBoardLib", "Leaderboards of user scores"],
  ["CommonLib", "Helpers for user names and Telegram mention links"],
  ["CurrencyQuote", "Fiat and crypto exchange rates, and conversion between them"],
  ["CryptoJS", "The crypto-js hashing and encryption functions"],
  ["SmartBot", "Multi-language templates, amount dialogs and task flows"],
  ["Webhooks", "Webhook URLs that run a command when called from outside"],
  ["Lang", "Translations: per-user language and dictionaries"],
  ["CooldownLib", "Cooldowns per user or chat before an action may run again"],
  ["Guard", "Restricts a folder of commands to the bot's admins"],
  ["MembershipChecker", "Checks that users joined the required channels or groups"],
  ["DateTimeFormat", "Formats dates with masks such as yyyy-mm-dd HH:MM"],
  ["Random", "Random integers, floats and messages"],
  ["OxaPayLibV1", "Crypto payments and payouts through OxaPay"],
  ["CoinPayments", "Crypto payments through CoinPayments"],
];

/** The library catalogue. */
export const libraries: readonly Library[] = entries.map(([name, description], index) => ({
  id: index + 1,
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
