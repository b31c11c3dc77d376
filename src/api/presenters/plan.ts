import { z } from "zod";
import type { Plan } from "../../catalog/plans.js";

/** PaymentPlan / CloudPlan. */
export const planSchema = z.object({
  id: z.number(),
  name: z.string(),
  price_usd: z.number(),
  iterations_per_month: z.number(),
  bots_limit: z.number(),
  command_timeout_s: z.number(),
  broadcasts: z.boolean(),
  auto_retry: z.boolean(),
  web_processes: z.number(),
  bjs_processes: z.number(),
}).meta({ id: "Plan" });

export function presentPlan(plan: Plan): z.infer<typeof planSchema> {
  const { id, name, price_usd, iterations_per_month, bots_limit, command_timeout_s, broadcasts, auto_retry, web_processes, bjs_processes } = plan;
  return { id, name, price_usd, iterations_per_month, bots_limit, command_timeout_s, broadcasts, auto_retry, web_processes, bjs_processes };
}
