import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, describe, expect, inject, it, vi } from "vitest";
import { systemClock } from "../../src/clock.js";
import { openDatabase } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { GroupedUpdateQueue } from "../../src/runtime/intake/grouped-queue.js";
import { Inbox } from "../../src/runtime/intake/inbox.js";
import { botIn } from "../../bench/databases.js";
import { ChildPlatform } from "../support/child-platform.js";
import { redisUrl } from "../support/redis.js";
import { textUpdate } from "../runtime/intake/recording-handler.js";

describe("updates across a killed worker process (PostgreSQL + Redis)", () => {
  const dir = mkdtempSync(join(tmpdir(), "botyard-updates-kill-"));
  const runsFile = join(dir, "runs.log");
  writeFileSync(runsFile, "");
  const prefix = `botyard-test-${Math.random().toString(36).slice(2, 10)}`;
  const workers: ChildPlatform[] = [];
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
    const keys = await redis.keys(`groupmq:${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it("handles every update once, in order per chat, and the killed worker's update again on the other", { timeout: 60_000 }, async () => {
    const url = inject("postgresUrl");
    const schema = `t_${Math.random().toString(36).slice(2, 12)}`;
    const admin = openDatabase({ url, dataDir: "" });
    await admin.db.schema.createSchema(schema).execute();
    await admin.close();
    const database = openDatabase({ url, dataDir: "", schema });
    await migrateToLatest(database);
    const botId = await botIn(database);
    // 20 chats, 10 updates each; update 45 (chat 1004's 3rd) hangs the first time.
    const updates = Array.from({ length: 200 }, (_, i) => textUpdate(i + 1, 1000 + (i % 20)));
    const env = { DATABASE_URL: url, DB_SCHEMA: schema, RUNS_FILE: runsFile, REDIS_URL: redisUrl(), REDIS_PREFIX: prefix, HANG_UPDATE: "45" };
    for (let i = 0; i < 2; i++) workers.push(new ChildPlatform(resolve(import.meta.dirname, "update-worker.ts"), env));
    const pids = await Promise.all(workers.map((worker) => worker.ask<number>({})));

    const api = new GroupedUpdateQueue(new Inbox(database, systemClock), redis, pino({ level: "silent" }), prefix);
    for (let i = 0; i < updates.length; i += 20) await api.accept(botId, updates.slice(i, i + 20));
    const lines = () => readFileSync(runsFile, "utf8").split("\n").filter(Boolean).map((line) => line.split(" ")).map(([what, id, chat, pid]) => ({ what, id: Number(id), chat: Number(chat), pid: Number(pid) }));
    await vi.waitFor(() => expect(lines().some((line) => line.what === "start" && line.id === 45)).toBe(true));
    const victimPid = lines().find((line) => line.id === 45)!.pid;
    await workers[pids.indexOf(victimPid)].kill();

    await vi.waitFor(() => expect(new Set(lines().filter((line) => line.what === "end").map((line) => line.id)).size).toBe(200), { timeout: 30_000, interval: 200 });
    const runs = lines();
    const ends = runs.filter((line) => line.what === "end");
    // The queue delivers at least once: an update the victim had finished but not yet
    // acknowledged when it died is handled again (the run journal makes that second handling
    // send nothing: exactly-once.test.ts). Order per chat is the order of first handlings.
    const firstEnds = ends.filter((line, i) => ends.findIndex((end) => end.id === line.id) === i);
    for (let chat = 1000; chat < 1020; chat++) {
      expect(firstEnds.filter((line) => line.chat === chat).map((line) => line.id)).toEqual(updates.filter((update) => update.message!.chat.id === chat).map((update) => update.update_id));
    }
    // Every handling the kill cut began again elsewhere, and only the victim's began twice.
    const cut = runs.filter((line) => line.what === "start" && line.pid === victimPid && !runs.some((end) => end.what === "end" && end.id === line.id && end.pid === victimPid)).map((line) => line.id);
    expect(cut).toContain(45);
    const begunTwice = updates.map((update) => update.update_id).filter((id) => runs.filter((line) => line.what === "start" && line.id === id).length > 1);
    expect(cut.filter((id) => !begunTwice.includes(id))).toEqual([]);
    expect(begunTwice.filter((id) => !runs.some((line) => line.what === "start" && line.id === id && line.pid === victimPid))).toEqual([]);
    expect(runs.find((line) => line.what === "end" && line.id === 45)!.pid).not.toBe(victimPid);
    expect(Object.fromEntries(await database.db.selectFrom("update_inbox").select((eb) => ["status", eb.fn.countAll<number>().as("n")]).groupBy("status").execute().then((rows) => rows.map((row) => [row.status, Number(row.n)])))).toEqual({ done: 200 });
    await database.close();
  });
});
