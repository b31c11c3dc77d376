import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { directTransport, EmulatorClient, startEmulator, type RunningEmulator } from "../../src/telegram/emulator/index.js";
import { engines } from "../support/platform.js";
import { ChildPlatform } from "../support/child-platform.js";

const START_MS = Date.parse("2026-01-15T12:00:00.000Z");
const RECIPIENTS = 2000;

/**
 * A 2,000-recipient broadcast through the emulator, its process killed with SIGKILL midway
 * and started again: every recipient has exactly one message. The kill comes while a send is
 * in flight (Telegram holds it unanswered): that recipient is sent again by the next process.
 */
describe.each(engines())("a broadcast across a killed process on %s", (engine) => {
  const dir = mkdtempSync(join(tmpdir(), "botyard-broadcast-kill-"));
  const workers: ChildPlatform[] = [];
  const env: Record<string, string> = { DATA_DIR: dir };
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ limits: { enabled: false } });
    env.TELEGRAM_API_ROOT = emulator.apiRoot;
    if (engine !== "postgres") return;
    const url = inject("postgresUrl");
    const schema = `t_${Math.random().toString(36).slice(2, 12)}`;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    Object.assign(env, { DATABASE_URL: url, DB_SCHEMA: schema });
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill().catch(() => {})));
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = () => {
    const worker = new ChildPlatform(resolve(import.meta.dirname, "broadcast-worker.ts"), { START_MS: String(START_MS), ...env });
    workers.push(worker);
    return worker;
  };

  it("reaches every recipient exactly once", { timeout: 180_000 }, async () => {
    const client = new EmulatorClient(directTransport(emulator.control));
    const bot = await client.registerBot({ username: `kill_${engine}_bot` });
    const chats = [];
    for (let i = 0; i < RECIPIENTS; i++) {
      const user = await client.createUser({ first_name: `R${i}` });
      chats.push(await user.privateChat(bot));
    }
    const sent = () => emulator.emulator.counters.calls.sendMessage ?? 0;

    const first = start();
    const botId = await first.ask<number>({ seed: { token: bot.token, chatIds: chats.map((chat) => chat.id) } });
    const taskId = await first.ask<number>({ broadcast: { botId, text: "Big news" } });
    await vi.waitFor(() => expect(sent()).toBeGreaterThanOrEqual(RECIPIENTS / 2), { timeout: 120_000, interval: 20 });
    await client.injectFault({ method: "sendMessage", kind: "hang", count: 1 });
    // Sends go one at a time: once the hang is taken, the process waits on it and nothing else is in flight.
    await vi.waitFor(() => expect(emulator.emulator.faults.pending).toBe(0), { timeout: 10_000, interval: 5 });
    const before = sent();
    await first.kill();
    const midway = await start().ask<{ processed: number; status: string }>({ task: { botId, id: taskId } });
    expect(midway.status).toBe("in progress");
    expect(midway.processed).toBeGreaterThanOrEqual(RECIPIENTS / 2);
    expect(midway.processed).toBeLessThan(RECIPIENTS);
    expect(midway.processed).toBe(before - 1);

    // The dead process's lease on the broadcast job ends within the minute; then it goes on.
    const second = workers.at(-1)!;
    await second.ask({ advance: 61_000 });
    await vi.waitFor(async () => expect((await second.ask<{ status: string }>({ task: { botId, id: taskId } })).status).toBe("finished"), { timeout: 120_000, interval: 200 });
    const done = await second.ask<Record<string, number>>({ task: { botId, id: taskId } });
    expect(done).toMatchObject({ total: RECIPIENTS, processed: RECIPIENTS, delivered: RECIPIENTS, failed: 0, blocked: 0 });

    const counts = await Promise.all(chats.map(async (chat) => (await chat.history()).filter((m) => m.from?.is_bot && m.text === "Big news").length));
    expect(counts.filter((count) => count !== 1)).toEqual([]);
  });
});
