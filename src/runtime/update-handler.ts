import type { Update } from "@grammyjs/types";
import { orderingKey as chatOrUserKey } from "../telegram/update-parts.js";
import type { Delivery } from "./run-journal.js";

/**
 * Handles one accepted Telegram update of a bot, start to finish: routing, BJS, effects.
 * The intake calls it strictly in order for updates of the same chat, and in parallel for
 * different chats; it resolves when the update is fully handled (so the intake may mark it
 * done) and rejects only on an infrastructure failure (so the intake retries it).
 * `delivery.key` names the delivery, the same each time it is delivered again (`inbox:<row
 * id>`): on PostgreSQL, a delivery whose run committed is never run again (run-journal.ts).
 */
export interface UpdateHandler {
  handle(botId: number, update: Update, delivery?: Delivery): Promise<void>;
  /** The bot's owner, so the intake can keep each owner to its share of slots. */
  ownerOf?(botId: number): Promise<number | undefined>;
}

/** The key the intake orders a bot's updates by; updates with neither chat nor user share one. */
export function orderingKey(update: Update): string {
  return chatOrUserKey(update) ?? "bot";
}
