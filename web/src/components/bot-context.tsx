import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Answer } from "../api/client";

/** A bot as the single-bot answer gives it. */
export type Bot = Answer<"GET /v2/bots/{id}">;

/** The bot whose pages are open, and a way to load it again after a change. */
export const BotContext = createContext<{ bot: Bot; reload: () => Promise<void> } | null>(null);

/** The open bot (inside a bot's pages only). */
export function useBot(): { bot: Bot; reload: () => Promise<void> } {
  const value = useContext(BotContext);
  if (!value) throw new Error("useBot outside a bot's pages");
  return value;
}
