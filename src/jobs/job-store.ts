import { sql, type ExpressionBuilder, type Kysely, type Selectable } from "kysely";
import { isUniqueViolation } from "../accounts/users.js";
import type { Database } from "../db/database.js";
import { fetchPage, type Page, type Window } from "../db/paging.js";
import type { JobsTable, Schema } from "../db/schema.js";
import type { Job, JobFilter, JobSpec } from "./job-queue.js";

/** Rows per insert (well under either engine's parameter limit). */
const CHUNK = 500;
/** Rows inserted before PostgreSQL's statistics of the table are refreshed. */
const ANALYZE_AFTER_ROWS = 1000;

const iso = (ms: number) => new Date(ms).toISOString();

function jobOf<P>(row: Selectable<JobsTable>): Job<P> {
  return {
    id: Number(row.id),
    kind: row.kind,
    botId: Number(row.bot_id),
    payload: JSON.parse(row.payload) as P,
    runAt: Date.parse(row.run_at),
    orderingKey: row.ordering_key,
    label: row.label,
    dedupeKey: row.dedupe_key,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
  };
}

/**
 * The `jobs` table, with graphile-worker's claim in one statement: the due jobs whose ordering
 * key has no earlier job left are leased to a worker (`run_at` becomes the lease's end, so an
 * abandoned lease is simply due again). PostgreSQL skips rows another worker is claiming.
 */
export class JobStore {
  private readonly db: Kysely<Schema>;
  /** Rows added since PostgreSQL's statistics were last refreshed. */
  private addedSinceAnalyze = 0;

  constructor(private readonly database: Pick<Database, "db" | "engine" | "committed">) {
    this.db = database.db;
  }

  /** Inserts the jobs (a dedupe key replaces the waiting job that has it) once committed. */
  async add<P>(specs: readonly JobSpec<P>[], defaults: { now: number; maxAttempts: number }): Promise<Job<P>[]> {
    const added: Job<P>[] = [];
    const createdAt = iso(defaults.now);
    const unique = lastPerDedupeKey(specs);
    for (let start = 0; start < unique.length; start += CHUNK) {
      const rows = unique.slice(start, start + CHUNK).map((spec) => ({
        bot_id: spec.botId,
        kind: spec.kind,
        payload: JSON.stringify(spec.payload),
        run_at: iso(spec.runAt ?? defaults.now),
        ordering_key: spec.orderingKey ?? null,
        label: spec.label ?? null,
        dedupe_key: spec.dedupeKey ?? null,
        attempts: 0,
        max_attempts: spec.maxAttempts ?? defaults.maxAttempts,
        created_at: createdAt,
      }));
      const inserted = await this.db
        .insertInto("jobs")
        .values(rows)
        .onConflict((oc) =>
          oc
            .columns(["bot_id", "dedupe_key"])
            .where("locked_by", "is", null)
            .doUpdateSet((eb) => ({
              kind: eb.ref("excluded.kind"),
              payload: eb.ref("excluded.payload"),
              run_at: eb.ref("excluded.run_at"),
              ordering_key: eb.ref("excluded.ordering_key"),
              label: eb.ref("excluded.label"),
              attempts: 0,
              max_attempts: eb.ref("excluded.max_attempts"),
              last_error: null,
            })),
        )
        .returningAll()
        .execute();
      added.push(...inserted.map((row) => jobOf<P>(row)));
    }
    await this.database.committed();
    await this.refreshStatistics(added.length);
    return added;
  }

  /**
   * Leases up to `limit` due jobs of these kinds to `worker` until `leaseEnd`, counting an
   * attempt each. A job with an ordering key is due only when no earlier job has that key.
   * Jobs of the bots of `exceptOwners` are left.
   */
  async claim(worker: string, kinds: readonly string[], limit: number, now: number, leaseEnd: number, exceptOwners: readonly number[] = []): Promise<Job[]> {
    if (kinds.length === 0 || limit <= 0) return [];
    const due = this.db
      .selectFrom("jobs as j")
      .select("j.id")
      .where("j.run_at", "<=", iso(now))
      .where("j.kind", "in", [...kinds])
      .$if(exceptOwners.length > 0, (query) => query.where("j.bot_id", "not in", (eb) => eb.selectFrom("bots").select("bots.id").where("bots.owner_id", "in", [...exceptOwners])))
      .where((eb) =>
        eb.or([
          eb("j.ordering_key", "is", null),
          eb.not(
            eb.exists(
              eb.selectFrom("jobs as earlier").select("earlier.id").whereRef("earlier.bot_id", "=", "j.bot_id").whereRef("earlier.ordering_key", "=", "j.ordering_key").whereRef("earlier.id", "<", "j.id"),
            ),
          ),
        ]),
      )
      .orderBy("j.run_at")
      .orderBy("j.id")
      .limit(limit)
      .$if(this.database.engine === "postgres", (query) => query.forUpdate().skipLocked());
    const rows = await this.db
      .updateTable("jobs")
      .set({ locked_by: worker, run_at: iso(leaseEnd), attempts: sql`attempts + 1` })
      .where("id", "in", due)
      .returningAll()
      .execute();
    // The lease and the attempt must be on disk before the job runs: a job that kills the
    // process must not come back as if it had never started (and never run out of attempts).
    await this.database.committed();
    return rows.map((row) => jobOf(row)).sort((a, b) => a.id - b.id);
  }

  /** Extends the leases `worker` holds. */
  async renew(worker: string, leaseEnd: number): Promise<void> {
    await this.db.updateTable("jobs").set({ run_at: iso(leaseEnd) }).where("locked_by", "=", worker).execute();
  }

  /** Finished jobs go (unless their lease was lost to another worker). */
  async complete(ids: readonly number[], worker: string): Promise<void> {
    for (let start = 0; start < ids.length; start += CHUNK) {
      await this.db.deleteFrom("jobs").where("id", "in", ids.slice(start, start + CHUNK)).where("locked_by", "=", worker).execute();
    }
  }

  /**
   * A failed attempt: the job waits until `retryAt`, or goes when `retryAt` is undefined
   * (given up), or when a newer job with its dedupe key replaced it meanwhile.
   */
  async fail(id: number, worker: string, reason: string, retryAt: number | undefined): Promise<void> {
    const drop = () => this.db.deleteFrom("jobs").where("id", "=", id).where("locked_by", "=", worker).execute();
    if (retryAt === undefined) {
      await drop();
      return;
    }
    try {
      await this.db.updateTable("jobs").set({ locked_by: null, run_at: iso(retryAt), last_error: reason }).where("id", "=", id).where("locked_by", "=", worker).execute();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await drop();
    }
  }

  async cancel(botId: number, filter: JobFilter): Promise<number> {
    const result = await this.db.deleteFrom("jobs").where(ofBot(botId, filter)).executeTakeFirst();
    await this.database.committed();
    return Number(result.numDeletedRows);
  }

  async pending<P>(botId: number, window: Window, filter: JobFilter): Promise<Page<Job<P>>> {
    const query = this.db.selectFrom("jobs").selectAll().where(ofBot(botId, filter)).where("locked_by", "is", null).orderBy("run_at").orderBy("id");
    const page = await fetchPage(query, window);
    return { items: page.items.map((row) => jobOf<P>(row)), total: page.total };
  }

  /**
   * After a burst of inserts, PostgreSQL's planner still thinks the table small until
   * autovacuum comes (up to a minute) and sorts every due row for each claim instead of
   * walking the run_at index: 200 jobs/s instead of thousands (bench/jobs.ts). ANALYZE fixes it.
   */
  private async refreshStatistics(added: number): Promise<void> {
    if (this.database.engine !== "postgres") return;
    this.addedSinceAnalyze += added;
    if (this.addedSinceAnalyze < ANALYZE_AFTER_ROWS) return;
    this.addedSinceAnalyze = 0;
    await sql`analyze jobs`.execute(this.db);
  }

  /** The earliest moment after `now` at which a job (not of the bots of `exceptOwners`) falls due or a lease ends. */
  async nextAfter(now: number, exceptOwners: readonly number[] = []): Promise<number | undefined> {
    const row = await this.db
      .selectFrom("jobs")
      .select((eb) => eb.fn.min("run_at").as("next"))
      .where("run_at", ">", iso(now))
      .$if(exceptOwners.length > 0, (query) => query.where("bot_id", "not in", (eb) => eb.selectFrom("bots").select("bots.id").where("bots.owner_id", "in", [...exceptOwners])))
      .executeTakeFirst();
    return row?.next ? Date.parse(row.next) : undefined;
  }
}

/** The bot's jobs that match the filter. */
function ofBot(botId: number, { label, kind, dedupeKey }: JobFilter) {
  const kinds = kind === undefined ? undefined : typeof kind === "string" ? [kind] : [...kind];
  return (eb: ExpressionBuilder<Schema, "jobs">) =>
    eb.and([
      eb("bot_id", "=", botId),
      ...(label === undefined ? [] : [eb("label", "=", label)]),
      ...(kinds === undefined ? [] : [eb("kind", "in", kinds)]),
      ...(dedupeKey === undefined ? [] : [eb("dedupe_key", "=", dedupeKey)]),
    ]);
}

/** The specs with only the last of those sharing a bot and dedupe key (one statement cannot upsert a row twice). */
export function lastPerDedupeKey<P>(specs: readonly JobSpec<P>[]): JobSpec<P>[] {
  const keyOf = (spec: JobSpec<P>) => (spec.dedupeKey === undefined ? undefined : `${spec.botId}:${spec.dedupeKey}`);
  const lastIndex = new Map<string, number>();
  specs.forEach((spec, i) => {
    const key = keyOf(spec);
    if (key !== undefined) lastIndex.set(key, i);
  });
  return specs.filter((spec, i) => {
    const key = keyOf(spec);
    return key === undefined || lastIndex.get(key) === i;
  });
}
