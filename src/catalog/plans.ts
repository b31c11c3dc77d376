import type { FreePlanLimits } from "../config.js";

/** A plan's limits, in the API's PaymentPlan / CloudPlan shape. */
export interface Plan {
  id: number;
  name: string;
  price_usd: number;
  iterations_per_month: number;
  bots_limit: number;
  command_timeout_s: number;
  broadcasts: boolean;
  auto_retry: boolean;
  web_processes: number;
  bjs_processes: number;
}

export const FREE_PLAN = "free";

// Bots.Business's cloud offer (help: cloud.md, 2025-07) with the old per-plan command timeouts.
const cloudPlans: Omit<Plan, "id">[] = [
  { name: "Hobby", price_usd: 22, iterations_per_month: 1_000_000, bots_limit: 50, command_timeout_s: 5, broadcasts: false, auto_retry: false, web_processes: 1, bjs_processes: 1 },
  { name: "Nano", price_usd: 33, iterations_per_month: 2_000_000, bots_limit: 100, command_timeout_s: 5, broadcasts: true, auto_retry: true, web_processes: 1, bjs_processes: 2 },
  { name: "Mini", price_usd: 55, iterations_per_month: 5_000_000, bots_limit: 200, command_timeout_s: 8, broadcasts: true, auto_retry: true, web_processes: 2, bjs_processes: 2 },
  { name: "Start", price_usd: 99, iterations_per_month: 10_000_000, bots_limit: 300, command_timeout_s: 8, broadcasts: true, auto_retry: true, web_processes: 6, bjs_processes: 3 },
  { name: "PRO", price_usd: 220, iterations_per_month: 45_000_000, bots_limit: 500, command_timeout_s: 12, broadcasts: true, auto_retry: true, web_processes: 10, bjs_processes: 5 },
  { name: "Business", price_usd: 300, iterations_per_month: 100_000_000, bots_limit: 1000, command_timeout_s: 20, broadcasts: true, auto_retry: true, web_processes: 20, bjs_processes: 10 },
  { name: "BigBusiness", price_usd: 400, iterations_per_month: 200_000_000, bots_limit: 2000, command_timeout_s: 25, broadcasts: true, auto_retry: true, web_processes: 40, bjs_processes: 20 },
];

/** Every plan: the free plan (its limits from configuration) first, then the cloud plans. */
export function allPlans(free: FreePlanLimits): Plan[] {
  const freePlan: Omit<Plan, "id"> = {
    name: FREE_PLAN,
    price_usd: 0,
    iterations_per_month: free.iterationsPerMonth,
    bots_limit: free.botsLimit,
    command_timeout_s: free.commandTimeoutS,
    broadcasts: free.broadcasts,
    auto_retry: true,
    web_processes: 1,
    bjs_processes: 1,
  };
  return [freePlan, ...cloudPlans].map((plan, index) => ({ id: index + 1, ...plan }));
}

/** The plan of that name; an unknown name (a plan since withdrawn) falls back to free. */
export function planNamed(free: FreePlanLimits, name: string): Plan {
  const plans = allPlans(free);
  return plans.find((plan) => plan.name === name) ?? plans[0]!;
}
