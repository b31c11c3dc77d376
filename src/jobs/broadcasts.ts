import type { Broadcast, BroadcastSpec, BroadcastStatus, BroadcastStore } from "../bots/broadcasts.js";
import type { Plan } from "../catalog/plans.js";
import { NotFoundError, PlanLimitError, UnprocessableError } from "../errors.js";
import type { JobQueue } from "./job-queue.js";

/** The job kind that works through one broadcast's recipients. */
export const BROADCAST_JOB_KIND = "broadcast";

/** A broadcast job's payload. */
export interface BroadcastJob {
  broadcastId: number;
}

/** Tasks a bot may have that have not ended (new, in progress or paused): each keeps its options and a job. */
export const MAX_UNFINISHED_BROADCASTS = 100;

/** Ended tasks a bot keeps, newest first: each started one costs an iteration, and its row up to 10 KB of options. */
export const ENDED_BROADCASTS_KEPT = 1000;

/** What a plan without broadcasts is told (402/403 shapes of spec/api.md). */
export const NO_BROADCASTS = "Your plan does not include broadcasts";

/**
 * Broadcast tasks as owners and BJS handle them (spec/bjs.md §5): created, paused, resumed
 * and deleted here; a job per task works through its recipients (runtime/broadcast-worker.ts).
 * A bot's broadcast jobs share one ordering key, so one task runs at a time and later ones
 * wait their turn as "new" (spec/bjs.md appendix A 13: one active task per bot, queued).
 */
export class BroadcastService {
  constructor(
    readonly store: BroadcastStore,
    private readonly jobs: Pick<JobQueue, "enqueue" | "cancel">,
  ) {}

  /** Starts a task for a running bot whose owner's plan includes broadcasts. */
  async create(bot: { id: number; status: string }, plan: Plan, spec: BroadcastSpec): Promise<Broadcast> {
    if (!plan.broadcasts) throw new PlanLimitError(NO_BROADCASTS);
    if (bot.status !== "works") throw new UnprocessableError("The bot is not running: start it before broadcasting");
    if ((await this.store.unfinished(bot.id)) >= MAX_UNFINISHED_BROADCASTS) {
      throw new UnprocessableError(`The bot has ${MAX_UNFINISHED_BROADCASTS} broadcast tasks that have not ended: let them finish, or delete some, before starting another`);
    }
    await this.store.pruneEnded(bot.id, ENDED_BROADCASTS_KEPT);
    const task = await this.store.create(bot.id, spec);
    await this.enqueue(task);
    return task;
  }

  async byId(botId: number, id: number): Promise<Broadcast> {
    const task = await this.store.byId(botId, id);
    if (!task) throw new NotFoundError("Broadcast task");
    return task;
  }

  /** Pauses a new or running task; the worker stops after the recipient it is on. */
  async pause(botId: number, id: number): Promise<Broadcast> {
    return this.move(botId, id, ["new", "in progress"], "paused");
  }

  /** Resumes a paused task where its cursor stands (a task that never started starts from the beginning). */
  async resume(botId: number, id: number): Promise<Broadcast> {
    const task = await this.byId(botId, id);
    const resumed = await this.move(botId, id, ["paused"], task.started_at ? "in progress" : "new");
    await this.enqueue(resumed);
    return resumed;
  }

  /** Stops and deletes a task; messages already sent stay sent. */
  async delete(botId: number, id: number): Promise<void> {
    if (!(await this.store.delete(botId, id))) throw new NotFoundError("Broadcast task");
    await this.jobs.cancel(botId, { kind: BROADCAST_JOB_KIND, label: labelOf(id) });
  }

  private async move(botId: number, id: number, from: readonly BroadcastStatus[], to: BroadcastStatus): Promise<Broadcast> {
    const moved = await this.store.move(botId, id, from, to);
    if (moved) return moved;
    const task = await this.byId(botId, id);
    throw new UnprocessableError(`The broadcast task is ${task.status}: it cannot be ${to === "paused" ? "paused" : "resumed"}`);
  }

  private async enqueue(task: Broadcast): Promise<void> {
    await this.jobs.enqueue<BroadcastJob>([
      { kind: BROADCAST_JOB_KIND, botId: task.bot_id, payload: { broadcastId: task.id }, orderingKey: "broadcasts", label: labelOf(task.id), maxAttempts: 20 },
    ]);
  }
}

const labelOf = (id: number) => `broadcast:${id}`;
