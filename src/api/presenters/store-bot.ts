import { z } from "zod";
import type { BotContent } from "../../interop/bot-content.js";
import type { StoreBot } from "../../catalog/store-bots.js";

/** StoreBot: a demo bot of the store. */
export const storeBotSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  commands_count: z.number(),
  libs: z.array(z.string()),
  img_url: z.string().nullable(),
});

export function presentStoreBot(bot: StoreBot, content: BotContent): z.infer<typeof storeBotSchema> {
  return { id: bot.id, name: bot.name, description: bot.description, commands_count: content.commands.length, libs: content.libs.map((lib) => lib.name), img_url: bot.img_url };
}
