import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { engines } from "../support/platform.js";
import { ChildPlatform } from "../support/child-platform.js";

const START_MS = Date.parse("2026-01-15T12:00:00.000Z");

describe.each(engines())("jobs across a killed process on %s", (engine) => {
  const dir = mkdtempSync(join(tmpdir(), "botyard-jobs-kill-"));
  const runsFile = join(dir, "runs.log");
  writeFileSync(runsFile, "");
  const workers: ChildPlatform[] = [];
  const database: Record<string, string> = { DATA_DIR: dir };
  beforeAll(async () => {
    if (engine !== "postgres") return;
    const url = inject("postgresUrl");
    const schema = `t_${Math.random().toString(36).slice(2, 12)}`;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    Object.assign(database, { DATABASE_URL: url, DB_SCHEMA: schema });
  });
  const start = (hang: boolean) => {
    const worker = new ChildPlatform(resolve(import.meta.dirname, "worker-process.ts"), { START_MS: String(START_MS), ...database, RUNS_FILE: runsFile, HANG: hang ? "1" : "0" });
    workers.push(worker);
    return worker;
  };
  const runs = () => readFileSync(runsFile, "utf8").split("\n").filter(Boolean);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill().catch(() => {})));
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs a job scheduled 60 s ahead exactly once, and a job in flight again once its lease ends", { timeout: 60_000 }, async () => {
    const first = start(true);
    const botId = await first.ask({ seed: true });
    await first.ask({
      enqueue: [
        { kind: "note", botId, payload: { name: "reminder" }, runAt: START_MS + 60_000 },
        { kind: "hang", botId, payload: { name: "callback" } },
      ],
    });
    await vi.waitFor(() => expect(runs()).toEqual(["hang callback started"]));
    await first.kill();

    const second = start(false);
    // The dead worker's lease on the job in flight lasts 30 s.
    await second.ask({ advance: 29_999 });
    expect(runs()).toEqual(["hang callback started"]);
    await second.ask({ advance: 1 });
    expect(runs()).toEqual(["hang callback started", "hang callback started", "hang callback finished"]);
    await second.ask({ advance: 29_999 });
    expect(runs()).toHaveLength(3);
    await second.ask({ advance: 1 });
    await second.ask({ advance: 600_000 });
    expect(runs()).toEqual(["hang callback started", "hang callback started", "hang callback finished", "note reminder at +60s"]);
    await second.kill();

    const third = start(false);
    await third.ask({ advance: 3_600_000 });
    expect(runs()).toHaveLength(4);
  });
});
