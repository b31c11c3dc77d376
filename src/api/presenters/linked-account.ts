import { z } from "zod";
import type { TelegramAccount } from "../../accounts/telegram-login.js";

/** A Telegram account linked to the user. */
export const linkedAccountSchema = z.object({
  id: z.number(),
  telegramid: z.number(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  username: z.string().nullable(),
  photo_url: z.string().nullable(),
  created_at: z.string(),
}).meta({ id: "LinkedAccount" });

export function presentLinkedAccount(account: TelegramAccount): z.infer<typeof linkedAccountSchema> {
  return {
    id: account.id,
    telegramid: account.telegramid,
    first_name: account.first_name,
    last_name: account.last_name,
    username: account.username,
    photo_url: account.photo_url,
    created_at: account.created_at,
  };
}
