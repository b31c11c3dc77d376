import { z } from "zod";
import type { User } from "../../accounts/users.js";
import { planNamed } from "../../catalog/plans.js";
import type { Platform } from "../../platform.js";

/** UserPublic: the account as the API shows it to its owner. */
export const userPublicSchema = z.object({
  id: z.number(),
  email: z.string(),
  api_key: z.string(),
  name: z.string().nullable(),
  telegram_id: z.number().nullable(),
  ads_enabled: z.boolean(),
  payment_plan: z.string(),
  iterations_limit: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
}).meta({ id: "UserPublic" });

export type UserPublic = z.infer<typeof userPublicSchema>;

export async function presentUser(platform: Platform, user: User): Promise<UserPublic> {
  const [linked] = await platform.telegramLogin.linkedAccounts(user.id);
  return {
    id: user.id,
    email: user.email,
    api_key: platform.users.apiKeyOf(user),
    name: user.name,
    telegram_id: linked?.telegramid ?? null,
    ads_enabled: user.ads_enabled === 1,
    payment_plan: user.payment_plan,
    iterations_limit: planNamed(platform.config.freePlan, user.payment_plan).iterations_per_month,
    created_at: user.created_at,
    updated_at: user.updated_at,
  };
}
