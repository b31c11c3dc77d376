import type { Logger } from "pino";
import type { CommandStore } from "../bots/commands.js";
import type { ErrorLog } from "../bots/error-log.js";
import type { Clock } from "../clock.js";
import type { Job, JobQueue, JobSpec } from "../jobs/job-queue.js";
import type { CommandBooks } from "./command-books.js";
import { hasBjs, type RoutableCommand } from "./command-book.js";
import type { RunningBot } from "./invocation.js";
import type { Processor } from "./processor.js";
import { AUTO_RETRY_JOB_KIND, runRequestSchema, type RunRequest } from "./run-request.js";
import { jobDelivery } from "./job-delivery.js";

/** What scheduling needs of a command. */
type AutoRetryCommand = Pick<RoutableCommand, "id" | "command" | "auto_retry_time">;

export interface AutoRetryDeps {
  jobs: Pick<JobQueue, "enqueue" | "cancel" | "pending">;
  processor: Pick<Processor, "runningBot" | "run">;
  books: CommandBooks;
  commands: Pick<CommandStore, "autoRetrying" | "markAutoRetried">;
  errorLog: Pick<ErrorLog, "record">;
  clock: Clock;
  log: Logger;
}

/** The one waiting job of a command's automatic runs. */
export const autoRetryKey = (commandId: number) => `auto_retry:${commandId}`;

/** More auto-retry commands than any bot has: one page lists a bot's auto-retry jobs. */
const MAX_AUTO_RETRY_JOBS = 10_000;

/**
 * Auto retry (spec/bjs.md §1.12, item 25): a command with `auto_retry_time` runs by itself
 * every that many seconds after its previous run while its bot works, with no user, chat or
 * request, and without its Answer and Keyboard. Each such command has one job (dedupe key
 * `auto_retry:<id>`); running it schedules the next one first, so a failed run does not end
 * the series. `sync` makes a bot's jobs match its commands: called when the bot starts (also
 * when resumed at platform start) and when its commands change. Stopping or deleting the bot
 * cancels the jobs (lifecycle.ts); a job that finds its command gone or cleared ends quietly.
 *
 * A plan without `auto_retry` (Cloud Hobby) schedules nothing: the commands keep their
 * setting, the bot's error log says why they do not run, and a job scheduled before the plan
 * changed ends at its next due time with the same note.
 */
export class AutoRetry {
  constructor(private readonly deps: AutoRetryDeps) {}

  /** Schedules the auto-retry commands of a working bot that have no job, and moves or drops stale jobs. */
  async sync(botId: number): Promise<void> {
    try {
      const bot = await this.deps.processor.runningBot(botId);
      if (!bot) return;
      const { jobs } = this.deps;
      // Not the command book: this runs on every command write (a CSV import's each row).
      // Auto retry runs a command's BJS (spec/bjs.md §1.12): one without runs nothing, and each run would cost an iteration.
      const wanted = new Map((await this.deps.commands.autoRetrying(botId)).filter(hasBjs).map((c) => [c.id, c]));
      if (!bot.plan.auto_retry) {
        await jobs.cancel(botId, { kind: AUTO_RETRY_JOB_KIND });
        if (wanted.size > 0) await this.notInPlan(bot, [...wanted.values()]);
        return;
      }
      const waiting = await jobs.pending<RunRequest>(botId, { limit: MAX_AUTO_RETRY_JOBS, offset: 0 }, { kind: AUTO_RETRY_JOB_KIND });
      const scheduled = new Set<number>();
      for (const job of waiting.items) {
        const { command, every } = job.payload;
        const id = "id" in command ? command.id : undefined;
        if (id !== undefined && wanted.get(id)?.auto_retry_time === every) scheduled.add(id);
        else if (job.dedupeKey) await jobs.cancel(botId, { kind: AUTO_RETRY_JOB_KIND, dedupeKey: job.dedupeKey });
      }
      const missing = [...wanted.values()].filter((command) => !scheduled.has(command.id));
      if (missing.length > 0) await jobs.enqueue(missing.map((command) => this.next(botId, command)));
    } catch (error) {
      this.deps.log.error({ err: error, bot_id: botId }, "could not schedule the bot's auto-retry commands");
    }
  }

  /** The job handler: the next run scheduled, then this one run. */
  async run(job: Job<RunRequest>): Promise<void> {
    const request = runRequestSchema.parse(job.payload);
    if (!("id" in request.command)) return;
    const bot = await this.deps.processor.runningBot(job.botId);
    if (!bot) return;
    const command = (await this.deps.books.of(bot.row.id, bot.row.commands_version)).withId(request.command.id);
    if (!command?.auto_retry_time || !hasBjs(command)) return;
    if (!bot.plan.auto_retry) return this.notInPlan(bot, [command]);
    await this.deps.jobs.enqueue([this.next(bot.row.id, command)]);
    await this.deps.commands.markAutoRetried(bot.row.id, command.id);
    await this.deps.processor.run({ ...request, attempt: job.attempts }, jobDelivery(job));
  }

  private next(botId: number, command: AutoRetryCommand): JobSpec<RunRequest> {
    const every = command.auto_retry_time!;
    const payload: RunRequest = { botId, command: { id: command.id }, trigger: "auto_retry", options: null, every, attempt: 1 };
    return { kind: AUTO_RETRY_JOB_KIND, botId, payload, runAt: this.deps.clock.now() + every * 1000, dedupeKey: autoRetryKey(command.id) };
  }

  private async notInPlan(bot: RunningBot, commands: AutoRetryCommand[]): Promise<void> {
    const names = commands.map((command) => command.command).join(", ");
    await this.deps.errorLog.record(bot.row.id, {
      message: `Auto retry is not part of the ${bot.plan.name} plan: ${names} do not run by themselves`,
      trigger: "auto_retry",
      group_key: "auto_retry:plan",
    });
  }
}
