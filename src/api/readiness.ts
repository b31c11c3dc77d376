import { sql } from "kysely";
import type { Platform } from "../platform.js";

/** Something a process needs to do its work: `/readyz` answers 503 with `failure` while `holds` does not. */
export interface ReadinessCheck {
  /** What the 503 says, e.g. "Database unreachable". */
  failure: string;
  /** Resolves true when it holds; false or a rejection when not. */
  holds(): Promise<boolean>;
}

/** A ping that takes longer counts as a failure: a probe must answer before its own timeout. */
const REDIS_PING_MS = 2_000;

/** What every role needs: the database and, when configured, Redis. */
export function storageChecks(platform: Pick<Platform, "database" | "redis">): ReadinessCheck[] {
  const { database, redis } = platform;
  const checks: ReadinessCheck[] = [{ failure: "Database unreachable", holds: async () => (await sql`select 1`.execute(database.db), true) }];
  if (redis) {
    checks.push({
      failure: "Redis unreachable",
      // While ioredis reconnects a command waits in its queue: answer from its state instead.
      holds: async () => redis.status === "ready" && (await Promise.race([redis.ping(), new Promise<string>((done) => setTimeout(done, REDIS_PING_MS, "timeout").unref())])) === "PONG",
    });
  }
  return checks;
}
