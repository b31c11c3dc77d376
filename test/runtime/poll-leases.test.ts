import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { systemClock } from "../../src/clock.js";
import type { Platform } from "../../src/platform.js";
import { startEmulator, type RunningEmulator } from "../../src/telegram/emulator/index.js";
import { useSharedPlatforms } from "../support/shared-platforms.js";

/**
 * Short leases on real time (Redis expires them on its own clock): renewed every 667 ms, so a
 * holder loses its lease only when a renewal is over 1.3 s late. With 600 ms (renewed every
 * 200 ms), a CI machine's stall of 400 ms handed a live holder's bot to the other worker.
 */
const LEASE_MS = 2000;

/**
 * Polling processes on one PostgreSQL schema and one Redis: exactly one polls a bot (the
 * emulator ends an older getUpdates with 409 when another comes, so two pollers would show as
 * a stream of getUpdates), another takes over once the holder dies and its lease runs out,
 * and an API process that polls nothing starts and stops bots the workers then follow.
 */
describe.skipIf(!inject("postgresUrl"))("polling leases across processes", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ limits: { enabled: false } });
  });
  afterAll(() => emulator?.close());
  const shared = useSharedPlatforms(() => ({ TELEGRAM_API_ROOT: emulator.apiRoot }));
  /** The live polling processes (of every test: the first test's survivor works on in the second). */
  const workers: Platform[] = [];
  const worker = async () => {
    const platform = await shared.add({ clock: systemClock, pollLeaseMs: LEASE_MS });
    platform.runtime.runner.startRoster();
    workers.push(platform);
    return platform;
  };

  async function newBot(platform: Platform, name: string) {
    const telegram = await emulator.client.registerBot({ username: name });
    const owner = await platform.users.create({ email: `${name}@example.com`, passwordHash: null, plan: "free" });
    const bot = await platform.bots.store.insert(owner.id, { name, ...platform.bots.store.tokenFields(telegram.token) });
    return { ...bot!, telegram };
  }
  const pollers = (platforms: Platform[], botId: number) => platforms.filter((platform) => platform.runtime.runner.isPolling(botId));
  const getUpdatesCalls = async () => (await emulator.client.counters()).calls.getUpdates ?? 0;

  it("lets one worker poll a bot, and another take it over when that one dies", async () => {
    const a = await worker();
    const b = await worker();
    const bot = await newBot(a, "leased_bot");
    const before = await getUpdatesCalls();
    await a.runtime.runner.start(bot);
    expect(pollers([a, b], bot.id)).toEqual([a]);
    // Several renewals and scans later, still only A, with one long poll held (no 409 ping-pong).
    await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS));
    expect(pollers([a, b], bot.id)).toEqual([a]);
    expect((await getUpdatesCalls()) - before).toBe(1);

    // A dies: its Redis connection gone first, so it neither renews nor gives the lease back.
    a.redis!.disconnect();
    const diedAt = Date.now();
    await shared.remove(a);
    workers.splice(workers.indexOf(a), 1);
    await vi.waitFor(() => expect(pollers([b], bot.id)).toEqual([b]), { timeout: 5 * LEASE_MS, interval: 20 });
    console.log(`takeover after ${Date.now() - diedAt} ms (lease ${LEASE_MS} ms, renewed every ${LEASE_MS / 3} ms)`);

    // B's loop takes what the bot's users send into the inbox.
    const user = await emulator.client.createUser({ first_name: "Ann" });
    await user.sendText(await user.privateChat(bot.telegram), "hello");
    await vi.waitFor(async () => expect(await b.runtime.inbox.counts(bot.id)).toEqual({ pending: 1 }));
  });

  it("has workers follow the bots an API process starts and stops, which polls none itself", async () => {
    const api = await shared.add({ clock: systemClock, polls: false, pollLeaseMs: LEASE_MS });
    await worker();
    const bot = await newBot(api, "api_started_bot");
    await api.runtime.runner.start(bot);
    expect((await api.bots.store.byId(bot.id))?.status).toBe("works");
    expect(api.runtime.runner.isPolling(bot.id)).toBe(false);
    await vi.waitFor(() => expect(pollers(workers, bot.id)).toHaveLength(1), { timeout: 2000, interval: 20 });
    await api.runtime.runner.stop(bot);
    await vi.waitFor(() => expect(pollers(workers, bot.id)).toHaveLength(0), { timeout: 2000, interval: 20 });
  });
});
