import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SendingLimits } from "../../src/config.js";
import { SenderMetrics } from "../../src/runtime/sending/sender-metrics.js";
import { TelegramSender, type CallOptions, type SenderOptions } from "../../src/runtime/telegram-sender.js";
import { MemoryWindowStore, RedisWindowStore, type WindowStore } from "../../src/runtime/sending/window-store.js";
import { TelegramApiError } from "../../src/telegram/bot-api.js";
import { startEmulator, type BotHandle, type RunningEmulator, type UserHandle } from "../../src/telegram/emulator/index.js";
import { FakeClock } from "../support/fake-clock.js";
import { freePort } from "../support/net.js";
import { redisUrl } from "../support/redis.js";

/** A call's promise, watched: whether it ended, and how. */
interface Watched {
  done: boolean;
  result?: unknown;
  error?: unknown;
}

function watch(promise: Promise<unknown>): Watched {
  const watched: Watched = { done: false };
  promise.then(
    (result) => Object.assign(watched, { done: true, result }),
    (error: unknown) => Object.assign(watched, { done: true, error }),
  );
  return watched;
}

const doneCount = (calls: Watched[]) => calls.filter((call) => call.done).length;

/** 40 calls of one bot go 15 per half second (30/s): 15, then 30 just after 500 ms, then 40, and none fails. */
async function expectBotPace(clock: FakeClock, calls: Watched[], between: () => Promise<void> = async () => {}): Promise<void> {
  await vi.waitFor(() => expect(doneCount(calls)).toBe(15));
  await between();
  await clock.advanceAsync(500);
  expect(doneCount(calls)).toBe(15);
  await clock.advanceAsync(1);
  await vi.waitFor(() => expect(doneCount(calls)).toBe(30));
  await clock.advanceAsync(501);
  await vi.waitFor(() => expect(doneCount(calls)).toBe(40));
  expect(calls.every((call) => call.error === undefined)).toBe(true);
}

/** Where the limits' windows live: this process, or Redis (a key prefix per test; the fake clock's time is passed in). */
const stores: { name: string; windows: () => WindowStore }[] = [
  { name: "memory", windows: () => new MemoryWindowStore() },
  { name: "Redis", windows: () => new RedisWindowStore(sharedRedis(), `${testPrefix}:`) },
];

let redis: Redis | undefined;
let testPrefix = "";
const sharedRedis = () => (redis ??= new Redis(redisUrl()));

afterAll(async () => {
  await redis?.quit();
});
afterEach(async () => {
  // Each test's windows live under its own prefix and go with it.
  const keys = redis && testPrefix ? await redis.keys(`${testPrefix}:*`) : [];
  if (keys.length > 0) await redis!.del(...keys);
});
beforeEach(() => {
  testPrefix = `botyard-test-${Math.random().toString(36).slice(2, 10)}`;
});

/**
 * The sender against the emulator with Telegram's limits on, both on one fake clock: every
 * wait is a timer the test moves past, and the emulator answers 429 if the sender is early.
 * The same behaviour with the windows in memory and in Redis.
 */
describe.each(stores)("the sender (Telegram's limits, fake clock, windows in $name)", ({ windows }) => {
  let clock: FakeClock;
  let emulator: RunningEmulator;
  let bot: BotHandle;
  let users: UserHandle[];
  let sender: TelegramSender;
  let registry: Registry;

  beforeAll(async () => {
    clock = new FakeClock();
    emulator = await startEmulator({ clock, limits: { enabled: true } });
  });
  afterAll(() => emulator.close());

  beforeEach(async () => {
    await emulator.client.reset();
    bot = await emulator.client.registerBot({ username: "paced_bot" });
    users = await Promise.all(Array.from({ length: 40 }, (_, i) => emulator.client.createUser({ first_name: `U${i}` })));
    await Promise.all(users.map((user) => user.privateChat(bot)));
    useSender();
  });
  afterEach(() => {
    sender.close();
    clock.advance(120_000); // windows from this test end before the next
  });

  function useSender(limits: Partial<SendingLimits> = {}, options: Partial<SenderOptions> = {}) {
    sender?.close();
    registry = new Registry();
    sender = new TelegramSender({
      apiRoot: emulator.apiRoot,
      clock,
      limits: { enabled: true, perBotPerSecond: 30, paidPerBotPerSecond: 0, ...limits },
      metrics: new SenderMetrics(registry),
      windows: windows(),
      ...options,
    });
  }

  const send = (chatId: number, text: string, options?: CallOptions, extra: Record<string, unknown> = {}) =>
    watch(sender.call(bot.token, "sendMessage", { chat_id: chatId, text, ...extra }, options));

  async function counters() {
    return emulator.client.counters();
  }

  async function metric(name: string, labels: string): Promise<number> {
    const text = await registry.getSingleMetricAsString(name);
    const line = text.split("\n").find((candidate) => candidate.startsWith(`${name}{${labels}} `));
    return line ? Number(line.split(" ")[1]) : 0;
  }

  it("sends 15 messages per half second per bot (30/s), never early enough for a 429", async () => {
    const calls = users.map((user) => send(user.id, "hello"));
    await expectBotPace(clock, calls, async () => expect(await metric("botyard_telegram_queued_calls", 'priority="interactive"')).toBe(25));
    expect((await counters()).tooManyRequests).toBe(0);
    expect(await metric("botyard_telegram_calls_total", 'outcome="ok"')).toBe(40);
    expect(await metric("botyard_telegram_queued_calls", 'priority="interactive"')).toBe(0);
  });

  it("sends a reply of two messages to a chat at once, then one every second, in order", async () => {
    const chat = await users[0]!.privateChat(bot);
    const calls = ["one", "two", "three", "four"].map((text) => send(users[0]!.id, text));
    await vi.waitFor(() => expect(doneCount(calls)).toBe(2));
    // Another chat of the same bot is not held up by this one.
    const other = send(users[1]!.id, "elsewhere");
    await vi.waitFor(() => expect(other.done).toBe(true));
    await clock.advanceAsync(2000);
    expect(doneCount(calls)).toBe(2);
    await clock.advanceAsync(1);
    await vi.waitFor(() => expect(doneCount(calls)).toBe(4));
    expect((await chat.history()).map((message) => message.text)).toEqual(["one", "two", "three", "four"]);
    expect((await counters()).tooManyRequests).toBe(0);
  });

  it("sends 10 messages per 30 s to a group (20/min)", async () => {
    const group = await emulator.client.createGroup({ title: "Club", members: [users[0]!, bot] });
    const calls = Array.from({ length: 21 }, (_, i) => send(group.id, `m${i}`));
    await vi.waitFor(() => expect(doneCount(calls)).toBe(10));
    // Only messages count, and wait for the group's window: reading it, or a call that changes it, goes at once.
    const read = watch(sender.call(bot.token, "getChat", { chat_id: group.id }));
    const typing = watch(sender.call(bot.token, "sendChatAction", { chat_id: group.id, action: "typing" }));
    await vi.waitFor(() => expect(read.done && typing.done).toBe(true));
    expect(read.result).toMatchObject({ id: group.id });
    expect(typing.error).toBeUndefined();
    await clock.advanceAsync(30_000);
    expect(doneCount(calls)).toBe(10);
    await clock.advanceAsync(1);
    await vi.waitFor(() => expect(doneCount(calls)).toBe(20));
    await clock.advanceAsync(30_001);
    await vi.waitFor(() => expect(doneCount(calls)).toBe(21));
    expect((await counters()).tooManyRequests).toBe(0);
  });

  it("holds every chat of a bot for a 429's retry_after, then sends the refused call again first", async () => {
    await emulator.client.injectFault({ method: "sendMessage", kind: 429, retryAfter: 3 });
    const refused = send(users[0]!.id, "first");
    await vi.waitFor(async () => expect((await counters()).tooManyRequests).toBe(1));
    const other = send(users[1]!.id, "second");
    const lifecycle = watch(sender.call(bot.token, "getMe", {}, { retry: false }));
    await clock.advanceAsync(2999);
    expect([refused.done, other.done, lifecycle.done]).toEqual([false, false, false]);
    await clock.advanceAsync(1);
    await vi.waitFor(() => expect([refused.done, other.done, lifecycle.done]).toEqual([true, true, true]));
    expect(refused.error).toBeUndefined();
    expect((await (await users[0]!.privateChat(bot)).history()).map((message) => message.text)).toEqual(["first"]);
    expect(await metric("botyard_telegram_calls_total", 'outcome="rate_limited"')).toBe(1);
    expect(await metric("botyard_telegram_calls_total", 'outcome="ok"')).toBe(3);
  });

  it("fails a call at once when retry_after is longer than worth waiting, and still holds the bot", async () => {
    await emulator.client.injectFault({ method: "sendMessage", kind: 429, retryAfter: 61 });
    const refused = send(users[0]!.id, "late");
    await vi.waitFor(() => expect(refused.done).toBe(true));
    expect(refused.error).toMatchObject({ error_code: 429, retry_after: 61 });
    const next = send(users[1]!.id, "after the pause");
    await clock.advanceAsync(60_999);
    expect(next.done).toBe(false);
    await clock.advanceAsync(1);
    await vi.waitFor(() => expect(next.done).toBe(true));
  });

  it("sends a bot's interactive replies before its broadcast", async () => {
    const mailing = users.slice(0, 30).map((user) => send(user.id, "news", { priority: "broadcast" }));
    await vi.waitFor(() => expect(doneCount(mailing)).toBe(15));
    expect(await metric("botyard_telegram_queued_calls", 'priority="broadcast"')).toBe(15);
    const reply = send(users[35]!.id, "your answer");
    expect(await metric("botyard_telegram_queued_calls", 'priority="interactive"')).toBe(1);
    await clock.advanceAsync(501);
    // The next window's 15 sends: the reply first, then 14 of the mailing.
    await vi.waitFor(() => expect(reply.done).toBe(true));
    await vi.waitFor(() => expect(doneCount(mailing)).toBe(29));
    await clock.advanceAsync(501);
    await vi.waitFor(() => expect(doneCount(mailing)).toBe(30));
  });

  it("retries 5xx answers after a back-off that holds nothing else up", async () => {
    await emulator.client.injectFault({ method: "sendMessage", kind: 500 });
    const failing = send(users[0]!.id, "eventually");
    await vi.waitFor(async () => expect(await metric("botyard_telegram_calls_total", 'outcome="server_error"')).toBe(1));
    expect(clock.nextTimerAt! - clock.now()).toBe(500); // the first back-off
    const other = send(users[1]!.id, "meanwhile");
    await vi.waitFor(() => expect(other.done).toBe(true));
    expect(other.error).toBeUndefined();
    await emulator.client.injectFault({ method: "sendMessage", kind: 500 });
    await clock.advanceAsync(500);
    await vi.waitFor(async () => expect(await metric("botyard_telegram_calls_total", 'outcome="server_error"')).toBe(2));
    expect(clock.nextTimerAt! - clock.now()).toBe(1000); // the second back-off is twice as long
    await clock.advanceAsync(1000);
    // Failed attempts count against the chat (Telegram may have seen them): its window ends at 2,001 ms.
    await clock.advanceAsync(500);
    expect(failing.done).toBe(false);
    await clock.advanceAsync(1);
    await vi.waitFor(() => expect(failing.done).toBe(true));
    expect(failing.error).toBeUndefined();
    expect((await (await users[0]!.privateChat(bot)).history()).map((message) => message.text)).toEqual(["eventually"]);
  });

  it("retries a network error after a back-off", async () => {
    let apiRoot = `http://127.0.0.1:${await freePort()}`; // nothing listens there
    useSender({}, { apiRoot: () => apiRoot });
    const call = send(users[0]!.id, "through");
    await vi.waitFor(async () => expect(await metric("botyard_telegram_calls_total", 'outcome="network"')).toBe(1));
    apiRoot = emulator.apiRoot;
    await clock.advanceAsync(500);
    await vi.waitFor(() => expect(call.done).toBe(true));
    expect(call.error).toBeUndefined();
    expect(await metric("botyard_telegram_calls_total", 'outcome="ok"')).toBe(1);
  });

  it("answers a call nobody reads at once when it must be retried, keeping its chat's next message behind it", async () => {
    useSender({ enabled: false }); // the hold, not the pacing
    const late: Error[] = [];
    await emulator.client.injectFault({ method: "sendMessage", kind: 500 });
    const first = send(users[0]!.id, "a", { lateFailure: (error) => late.push(error) });
    await vi.waitFor(() => expect(first.done).toBe(true));
    expect([first.result, first.error]).toEqual([undefined, undefined]);
    const second = send(users[0]!.id, "b");
    const elsewhere = send(users[1]!.id, "c");
    await vi.waitFor(() => expect(elsewhere.done).toBe(true));
    expect(second.done).toBe(false);
    await clock.advanceAsync(500);
    await vi.waitFor(() => expect(second.done).toBe(true));
    expect((await (await users[0]!.privateChat(bot)).history()).map((message) => message.text)).toEqual(["a", "b"]);
    expect(late).toEqual([]);

    // Given up at last: the failure is told, not thrown.
    useSender({ enabled: false }, { maxAttempts: 2 });
    await emulator.client.injectFault({ method: "sendMessage", kind: 500, count: 2 });
    const doomed = send(users[2]!.id, "x", { lateFailure: (error) => late.push(error) });
    await vi.waitFor(() => expect(doomed.done).toBe(true));
    await clock.advanceAsync(500);
    await vi.waitFor(() => expect(late).toHaveLength(1));
    expect(late[0]).toMatchObject({ error_code: 500 });
    expect(doomed.error).toBeUndefined();
  });

  it("lets a chat's calls go again when the limiter's store fails while a call of the chat is retried", async () => {
    const store = new (class extends MemoryWindowStore {
      failing?: "get" | "upsert";
      override get(...args: Parameters<MemoryWindowStore["get"]>) {
        return this.failing === "get" ? Promise.reject(new Error("the store is down")) : super.get(...args);
      }
      override upsert(...args: Parameters<MemoryWindowStore["upsert"]>) {
        return this.failing === "upsert" ? Promise.reject(new Error("the store is down")) : super.upsert(...args);
      }
    })();
    useSender({ enabled: false }, { windows: store });
    // The retry cannot be paced (the bot's pause unreadable), then a retry's 429 cannot be recorded.
    for (const [failing, faults] of [["get", [500]], ["upsert", [500, 429]]] as const) {
      for (const kind of faults) await emulator.client.injectFault({ method: "sendMessage", kind });
      const errors = await metric("botyard_telegram_calls_total", 'outcome="server_error"');
      const first = send(users[0]!.id, "first");
      await vi.waitFor(async () => expect(await metric("botyard_telegram_calls_total", 'outcome="server_error"')).toBe(errors + 1));
      store.failing = failing;
      await clock.advanceAsync(500);
      await vi.waitFor(() => expect(first.done).toBe(true));
      expect(first.error).toMatchObject({ message: "the store is down" });
      store.failing = undefined;
      const next = send(users[0]!.id, "next");
      await vi.waitFor(() => expect(next.done).toBe(true));
      expect(next.error).toBeUndefined();
    }
  });

  it("gives up after its attempts, and never retries a call that asks for one attempt", async () => {
    useSender({}, { maxAttempts: 2 });
    await emulator.client.injectFault({ method: "sendMessage", kind: 500, count: 3 });
    const once = send(users[0]!.id, "once", { retry: false });
    await vi.waitFor(() => expect(once.done).toBe(true));
    expect(once.error).toMatchObject({ error_code: 500 });
    const twice = send(users[1]!.id, "twice");
    await vi.waitFor(async () => expect(await metric("botyard_telegram_calls_total", 'outcome="server_error"')).toBe(2));
    await clock.advanceAsync(500);
    await vi.waitFor(() => expect(twice.done).toBe(true));
    expect(twice.error).toBeInstanceOf(TelegramApiError);
    expect(await metric("botyard_telegram_calls_total", 'outcome="server_error"')).toBe(3);
  });

  it("answers a blocked user's 403 at once, as Telegram's error", async () => {
    await users[2]!.block(bot);
    const blocked = send(users[2]!.id, "hi");
    await vi.waitFor(() => expect(blocked.done).toBe(true));
    expect(blocked.error).toBeInstanceOf(TelegramApiError);
    expect(blocked.error).toMatchObject({ error_code: 403, description: "Forbidden: bot was blocked by the user" });
    expect(await metric("botyard_telegram_calls_total", 'outcome="refused"')).toBe(1);
  });

  it("paces paid broadcasts at the paid rate when it is set, and at the bot's rate when not", async () => {
    const paid = { allow_paid_broadcast: true };
    const unpaid = users.map((user) => send(user.id, "x", { priority: "broadcast" }, paid));
    await vi.waitFor(() => expect(doneCount(unpaid)).toBe(15));
    sender.close();
    clock.advance(120_000);

    useSender({ paidPerBotPerSecond: 1000 });
    const fast = users.map((user) => send(user.id, "y", { priority: "broadcast" }, paid));
    // 40 sends in one pass, each a few Redis round trips with the windows there: more than waitFor's default second on a busy machine.
    await vi.waitFor(() => expect(doneCount(fast)).toBe(40), { timeout: 5000 });
    expect(fast.every((call) => call.error === undefined)).toBe(true);
    expect((await counters()).tooManyRequests).toBe(0);
  });
});

describe("the emulator's paid broadcast limit", () => {
  it("lets allow_paid_broadcast sends past 30/s, up to the paid rate", async () => {
    const clock = new FakeClock();
    const emulator = await startEmulator({ clock, limits: { enabled: true, paidPerBotPerSecond: 40 } });
    try {
      const bot = await emulator.client.registerBot();
      const users = await Promise.all(Array.from({ length: 41 }, (_, i) => emulator.client.createUser({ first_name: `P${i}` })));
      await Promise.all(users.map((user) => user.privateChat(bot)));
      const post = async (chatId: number, extra: Record<string, unknown>) => {
        const response = await fetch(`${emulator.apiRoot}/bot${bot.token}/sendMessage`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ chat_id: chatId, text: "x", ...extra }),
        });
        return response.status;
      };
      const statuses: number[] = [];
      for (const user of users) statuses.push(await post(user.id, { allow_paid_broadcast: true }));
      expect(statuses.slice(0, 40).every((status) => status === 200)).toBe(true);
      expect(statuses[40]).toBe(429);
      // The free rate is counted apart: it is untouched.
      expect(await post(users[0]!.id, {})).toBe(200);
    } finally {
      await emulator.close();
    }
  });
});

/** Two workers' senders on one Redis: one bot's limits and its 429 hold are the same for both. */
describe("two senders sharing windows in Redis", () => {
  let clock: FakeClock;
  let emulator: RunningEmulator;
  const senders: TelegramSender[] = [];

  beforeAll(async () => {
    clock = new FakeClock();
    emulator = await startEmulator({ clock, limits: { enabled: true } });
  });
  afterAll(() => emulator.close());
  afterEach(() => {
    for (const sender of senders.splice(0)) sender.close();
    clock.advance(120_000);
  });

  async function twoWorkers() {
    await emulator.client.reset();
    const bot = await emulator.client.registerBot({ username: "shared_bot" });
    const users = await Promise.all(Array.from({ length: 40 }, (_, i) => emulator.client.createUser({ first_name: `S${i}` })));
    await Promise.all(users.map((user) => user.privateChat(bot)));
    for (let i = 0; i < 2; i++) {
      senders.push(new TelegramSender({
        apiRoot: emulator.apiRoot,
        clock,
        limits: { enabled: true, perBotPerSecond: 30, paidPerBotPerSecond: 0 },
        windows: new RedisWindowStore(sharedRedis(), `${testPrefix}:`),
      }));
    }
    const send = (worker: number, chatId: number, text: string) => watch(senders[worker]!.call(bot.token, "sendMessage", { chat_id: chatId, text }));
    return { bot, users, send };
  }

  it("lets the bot's 15 messages per half second through once, not once per worker", async () => {
    const { users, send } = await twoWorkers();
    const calls = users.map((user, i) => send(i % 2, user.id, "hello"));
    await expectBotPace(clock, calls);
    expect((await emulator.client.counters()).tooManyRequests).toBe(0);
  });

  it("holds the bot on every worker for a 429 one of them got", async () => {
    const { users, send } = await twoWorkers();
    await emulator.client.injectFault({ method: "sendMessage", kind: 429, retryAfter: 3 });
    const refused = send(0, users[0]!.id, "first");
    await vi.waitFor(async () => expect((await emulator.client.counters()).tooManyRequests).toBe(1));
    await vi.waitFor(async () => expect(await sharedRedis().keys(`${testPrefix}:tg-pause:*`)).toHaveLength(1));
    const other = send(1, users[1]!.id, "from the other worker");
    await clock.advanceAsync(2999);
    expect([refused.done, other.done]).toEqual([false, false]);
    await clock.advanceAsync(1);
    await vi.waitFor(() => expect([refused.done, other.done]).toEqual([true, true]));
    expect([refused.error, other.error]).toEqual([undefined, undefined]);
    expect((await emulator.client.counters()).tooManyRequests).toBe(1);
  });
});
