import type { RunningBot } from "./invocation.js";

/** Iterations the bot's owner may spend this month: the plan's, plus the extra points bought. */
export function quotaOf(bot: RunningBot): number {
  return bot.plan.iterations_per_month + bot.owner.extra_points;
}

/** How a note about a spent quota begins (the bot's `status_error` shows it). */
export const QUOTA_NOTE = "Iteration quota used up";

/** What a bot's status and error log say when the owner's quota is spent. */
export function quotaNote(limit: number): string {
  return `${QUOTA_NOTE}: all ${limit} iterations of this month are spent; commands run again when the quota renews next month`;
}
