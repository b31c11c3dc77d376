import { z } from "zod";
import type { BotWithCounts } from "../../bots/bots.js";
import { NotFoundError } from "../../errors.js";
import type { Platform } from "../../platform.js";
import { libSchema } from "./lib.js";

/** Bot: a bot as its owner sees it, token included. */
export const botSchema = z.object({
  id: z.number(),
  name: z.string(),
  token: z.string().nullable(),
  status: z.string(),
  status_error: z.string().nullable(),
  username: z.string().nullable(),
  pic_url: z.string().nullable(),
  csv_url: z.string().nullable(),
  git_remote: z.string().nullable(),
  store_bot_id: z.number().nullable(),
  last_run_at: z.string().nullable(),
  commands_count: z.number(),
  chats_count: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
}).meta({ id: "Bot" });

/** The single-bot answer: Bot with its installed libraries. */
export const botWithLibsSchema = botSchema.extend({ libs: z.array(libSchema) }).meta({ id: "BotWithLibs" });

export type BotAnswer = z.infer<typeof botSchema>;

export function presentBot(platform: Platform, bot: BotWithCounts): BotAnswer {
  return {
    id: bot.id,
    name: bot.name,
    token: platform.bots.store.tokenOf(bot),
    status: bot.status,
    status_error: bot.status_error,
    username: bot.username,
    pic_url: bot.pic_url,
    csv_url: bot.csv_url,
    git_remote: bot.git_remote,
    store_bot_id: bot.store_bot_id,
    last_run_at: bot.last_run_at,
    commands_count: Number(bot.commands_count),
    chats_count: Number(bot.chats_count),
    created_at: bot.created_at,
    updated_at: bot.updated_at,
  };
}

/** The bot as it is now, after a write: 404 when it was deleted meanwhile (by a request running beside this one). */
export async function presentBotNow(platform: Platform, ownerId: number, botId: number): Promise<BotAnswer> {
  const bot = await platform.bots.store.byIdForOwner(ownerId, botId);
  if (!bot) throw new NotFoundError("Bot");
  return presentBot(platform, bot);
}
