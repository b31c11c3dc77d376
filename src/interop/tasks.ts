import type { Kysely, Selectable } from "kysely";
import { isoNow, type Clock } from "../clock.js";
import type { InteropTasksTable, Schema } from "../db/schema.js";

/** An import or export row. */
export type TaskRow = Selectable<InteropTasksTable>;

export type TaskKind = "csv_import" | "git_import" | "git_export";

/** What went wrong with one row of a sheet or one file of a repository. */
export interface TaskItemError {
  row?: number;
  file?: string;
  error: string;
}

/** A task with its item errors parsed. */
export type Task = Omit<TaskRow, "errors"> & { errors: TaskItemError[] };

/** The counters a running task moves. */
export type TaskCounters = Partial<Pick<TaskRow, "total" | "processed" | "created" | "updated" | "removed" | "skipped">>;

/** Why a task that a restart cut short failed. */
export const INTERRUPTED = "Interrupted by a server restart before it finished; start it again";

/** Item errors kept per task: a sheet of a million bad rows must not make a huge row. */
const MAX_ITEM_ERRORS = 500;

const parse = (row: TaskRow): Task => ({ ...row, errors: JSON.parse(row.errors) as TaskItemError[] });

/**
 * Imports and exports as rows with a status (pending, running, done, failed) and progress
 * counters, so a client can poll them and a restart cannot leave one "running" for ever.
 */
export class TaskStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock,
  ) {}

  /** A new pending task of the bot. */
  async create(botId: number, kind: TaskKind): Promise<Task> {
    const now = isoNow(this.clock);
    const row = await this.db.insertInto("interop_tasks").values({ bot_id: botId, kind, status: "pending", created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
    return parse(row);
  }

  /** The bot's task with that id (and, when given, that kind). */
  async byId(botId: number, id: number, kind?: TaskKind): Promise<Task | undefined> {
    let query = this.db.selectFrom("interop_tasks").selectAll().where("bot_id", "=", botId).where("id", "=", id);
    if (kind) query = query.where("kind", "=", kind);
    const row = await query.executeTakeFirst();
    return row && parse(row);
  }

  /** Marks the task running. */
  async start(id: number): Promise<void> {
    const now = isoNow(this.clock);
    await this.db.updateTable("interop_tasks").set({ status: "running", started_at: now, updated_at: now }).where("id", "=", id).execute();
  }

  /** Moves the counters and keeps the item errors so far. */
  async progress(id: number, counters: TaskCounters, errors?: TaskItemError[]): Promise<void> {
    await this.db
      .updateTable("interop_tasks")
      .set({ ...counters, ...(errors && { errors: JSON.stringify(errors.slice(0, MAX_ITEM_ERRORS)) }), updated_at: isoNow(this.clock) })
      .where("id", "=", id)
      .execute();
  }

  /** Ends the task: done, or failed with the reason. */
  async finish(id: number, outcome: { error?: string; counters?: TaskCounters; errors?: TaskItemError[] }): Promise<void> {
    const now = isoNow(this.clock);
    await this.db
      .updateTable("interop_tasks")
      .set({
        ...outcome.counters,
        ...(outcome.errors && { errors: JSON.stringify(outcome.errors.slice(0, MAX_ITEM_ERRORS)) }),
        status: outcome.error === undefined ? "done" : "failed",
        error: outcome.error ?? null,
        finished_at: now,
        updated_at: now,
      })
      .where("id", "=", id)
      .execute();
  }

  /**
   * Fails every task a previous process left pending or running. Called once at start, before
   * this process begins tasks of its own (one process runs tasks: the embedded mode).
   */
  async failInterrupted(): Promise<number> {
    const now = isoNow(this.clock);
    const result = await this.db
      .updateTable("interop_tasks")
      .set({ status: "failed", error: INTERRUPTED, finished_at: now, updated_at: now })
      .where("status", "in", ["pending", "running"])
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
