import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { readFolderFiles } from "../interop/git/folder-files.js";
import { readRepository } from "../interop/git/repository.js";
import type { BotContent } from "../interop/bot-content.js";

/** A demo bot of the store: what `GET /v2/store/bots` lists and `install` copies into a new bot. */
export interface StoreBot {
  id: number;
  /** Its folder under src/catalog/store/, a repository in the Git format. */
  slug: string;
  name: string;
  description: string;
  img_url: string | null;
}

// Ids are stable: installed bots keep them as store_bot_id.
const entries: [slug: string, name: string, description: string][] = [
  ["welcome", "Welcome and help", "Greets new users, explains the bot with /help and a menu, and answers anything it does not know"],
  ["referral", "Referral programme", "Invite links, a bonus for each friend who joins, balances and a top list of inviters"],
  ["support", "Support chat", "Users write to support; each message is forwarded to the admin, who answers with /reply"],
  ["quiz", "Quiz", "A multiple-choice quiz with inline buttons, a score per user and a restart"],
  ["languages", "Multi-language", "Lets each user choose English, Deutsch or Español and answers in that language"],
  ["shop", "Shop with admin panel", "A catalogue, a cart and orders; the admin adds products and sees orders from an admin menu"],
];

/** The store's demo bots. */
export const storeBots: readonly StoreBot[] = entries.map(([slug, name, description], index) => ({ id: index + 1, slug, name, description, img_url: null }));

/** The demo bot with that id. */
export function storeBotOf(id: number): StoreBot | undefined {
  return storeBots.find((bot) => bot.id === id);
}

// The repositories stay in src/ (they are data, not code), found from src/ and from dist/ alike.
const STORE_DIR = fileURLToPath(new URL("../../src/catalog/store/", import.meta.url));

const contents = new Map<number, Promise<BotContent>>();

/** The demo bot's content, read from its repository once. */
export function storeBotContent(bot: StoreBot): Promise<BotContent> {
  let content = contents.get(bot.id);
  if (!content) {
    content = readFolderFiles(join(STORE_DIR, bot.slug)).then((files) => readRepository(files).content);
    contents.set(bot.id, content);
  }
  return content;
}
