import type { Update } from "@grammyjs/types";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../../src/clock.js";
import { GroupedUpdateQueue, type GroupedQueueOptions } from "../../../src/runtime/intake/grouped-queue.js";
import { Inbox } from "../../../src/runtime/intake/inbox.js";
import { InboxReconciler } from "../../../src/runtime/intake/reconciler.js";
import { signUp } from "../../support/accounts.js";
import { usePlatform } from "../../support/platform.js";
import { redisUrl } from "../../support/redis.js";
import { RecordingHandler, textUpdate } from "./recording-handler.js";

const silent = pino({ level: "silent" });

/** groupmq waits on real time (its back-off, its blocking reads): the tests wait for outcomes. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the Redis update queue on PostgreSQL", () => {
  const t = usePlatform("postgres");
  const connect = () => new Redis(redisUrl(), { maxRetriesPerRequest: null });
  let redis: Redis;
  let ownerId: number;
  let prefix = "";
  const queues: GroupedUpdateQueue[] = [];

  beforeAll(async () => {
    redis = connect();
    ownerId = (await signUp(t.app)).id;
  });
  afterAll(() => redis.quit());
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.stop()));
    await flush();
  });
  /** Deletes every key of the test's prefix, as a Redis restart without persistence would. */
  async function flush() {
    const keys = await redis.keys(`groupmq:${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }

  async function setUp(options: Partial<GroupedQueueOptions> = {}) {
    prefix = `botyard-test-${Math.random().toString(36).slice(2, 10)}`;
    const bot = (await t.platform.bots.store.insert(ownerId, { name: "Intake" }))!;
    const inbox = new Inbox(t.platform.database, t.clock);
    const queue = () => {
      const made = new GroupedUpdateQueue(inbox, redis, silent, prefix, { retryDelayMs: () => 100, ...options });
      queues.push(made);
      return made;
    };
    return { botId: bot.id, inbox, queue };
  }

  it("handles each chat's updates in order, chats at the same time, across two workers", async () => {
    const { botId, inbox, queue } = await setUp({ concurrency: 8 });
    let inFlight = 0;
    let mostInFlight = 0;
    const busyChats = new Set<number>();
    let sameChatAtOnce = 0;
    const handled: Update[] = [];
    const handler = {
      async handle(_botId: number, update: Update) {
        const chat = update.message!.chat.id;
        if (busyChats.has(chat)) sameChatAtOnce++;
        busyChats.add(chat);
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        inFlight--;
        busyChats.delete(chat);
        handled.push(update);
      },
    };
    const accepting = queue();
    await Promise.all([queue().start(handler), queue().start(handler)]);
    const updates = Array.from({ length: 300 }, (_, i) => textUpdate(i + 1, 1000 + (i % 30)));
    for (let i = 0; i < updates.length; i += 50) await accepting.accept(botId, updates.slice(i, i + 50));
    await until(() => handled.length === 300);
    for (let chat = 1000; chat < 1030; chat++) {
      const ids = handled.filter((update) => update.message!.chat.id === chat).map((update) => update.update_id);
      expect(ids).toEqual(updates.filter((update) => update.message!.chat.id === chat).map((update) => update.update_id));
    }
    expect(sameChatAtOnce).toBe(0);
    expect(mostInFlight).toBeGreaterThan(8);
    await until(async () => (await inbox.counts(botId)).done === 300);
  });

  it("drops an update it has already accepted, and handles it once", async () => {
    const { botId, inbox, queue } = await setUp();
    const handler = new RecordingHandler();
    const q = queue();
    await q.start(handler);
    expect(await q.accept(botId, [textUpdate(1, 10)])).toBe(1);
    expect(await q.accept(botId, [textUpdate(1, 10), textUpdate(2, 10)])).toBe(1);
    await handler.waitForHandled(2);
    expect(await q.accept(botId, [textUpdate(2, 10)])).toBe(0);
    await until(async () => (await inbox.counts(botId)).done === 2);
    expect(handler.calls.map((call) => call.updateId)).toEqual([1, 2]);
  });

  it("retries a failed update in its place: the chat's next updates wait for it", async () => {
    const { botId, inbox, queue } = await setUp({ maxAttempts: 5 });
    const handler = new RecordingHandler();
    handler.fail(1, 2);
    await queue().start(handler);
    await queue().accept(botId, [textUpdate(1, 10), textUpdate(2, 10), textUpdate(3, 20)]);
    await handler.waitForHandled(3);
    expect(handler.handledIds().filter((id) => id !== 3)).toEqual([1, 2]);
    expect(handler.calls.filter((call) => call.updateId !== 3).map((call) => call.updateId)).toEqual([1, 1, 1, 2]);
    await until(async () => (await inbox.counts(botId)).done === 3);
    const row = await t.platform.database.db.selectFrom("update_inbox").select(["attempts", "starts"]).where("bot_id", "=", botId).where("update_id", "=", 1).executeTakeFirstOrThrow();
    expect(row).toEqual({ attempts: 2, starts: 3 });
  });

  it("gives an update up after maxAttempts, marks it failed and goes on with the chat", async () => {
    const { botId, inbox, queue } = await setUp({ maxAttempts: 2 });
    const handler = new RecordingHandler();
    handler.fail(1, 10);
    await queue().start(handler);
    await queue().accept(botId, [textUpdate(1, 10), textUpdate(2, 10)]);
    await handler.waitForHandled(1);
    expect(handler.calls.map((call) => call.updateId)).toEqual([1, 1, 2]);
    await until(async () => JSON.stringify(await inbox.counts(botId)) === JSON.stringify({ done: 1, failed: 1 }));
  });

  it("sets aside an update whose handling began again and again without an end", async () => {
    const { botId, queue } = await setUp({ quarantineAfterStarts: 3 });
    const quarantined: number[] = [];
    const q = queue();
    await q.accept(botId, [textUpdate(1, 10), textUpdate(2, 10)]);
    await t.platform.database.db.updateTable("update_inbox").set({ starts: 3 }).where("bot_id", "=", botId).where("update_id", "=", 1).execute();
    const handler = new RecordingHandler();
    const worker = new GroupedUpdateQueue(new Inbox(t.platform.database, t.clock), redis, silent, prefix, { quarantined: async (row) => void quarantined.push(row.update.update_id) });
    queues.push(worker);
    await worker.start(handler);
    await handler.waitForHandled(1);
    expect(handler.calls.map((call) => call.updateId)).toEqual([2]);
    expect(quarantined).toEqual([1]);
  });

  describe("the reconciler", () => {
    /** The suite's clock, two minutes on: every row accepted so far is overdue. */
    const later: Clock = { now: () => t.clock.now() + 120_000, setTimer: (ms, fire) => t.clock.setTimer(ms, fire) };

    it("queues again, in order, the pending rows Redis lost", async () => {
      const { botId, inbox, queue } = await setUp();
      await queue().accept(botId, [textUpdate(1, 10), textUpdate(2, 20), textUpdate(3, 10)]);
      await flush();
      const worker = queue();
      const reconciler = new InboxReconciler(inbox, worker, later, silent);
      expect(await reconciler.reconcile()).toBe(3);
      const handler = new RecordingHandler();
      await worker.start(handler);
      await handler.waitForHandled(3);
      expect(handler.handledIds().filter((id) => id !== 2)).toEqual([1, 3]);
      await until(async () => (await inbox.counts(botId)).done === 3);
      expect(await reconciler.reconcile()).toBe(0);
    });

    it("leaves alone a row being handled, and a copy queued after its handling ended finds it done", async () => {
      const { botId, inbox, queue } = await setUp();
      const handler = new RecordingHandler();
      const release = handler.hold(1);
      const worker = queue();
      await worker.start(handler);
      await worker.accept(botId, [textUpdate(1, 10)]);
      await handler.started(1);
      const reconciler = new InboxReconciler(inbox, worker, later, silent);
      // Pending in the inbox while it is handled: queued again, which groupmq drops.
      expect(await reconciler.reconcile()).toBe(1);
      release();
      await until(async () => (await inbox.counts(botId)).done === 1);
      // The race the reconciler can lose: it read the row as pending just before it was done.
      await worker.enqueue([{ id: (await rowId(botId, 1))!, botId, orderingKey: "10", update: textUpdate(1, 10), attempts: 0, starts: 0, receivedAt: "" }]);
      await worker.accept(botId, [textUpdate(2, 10)]);
      await handler.waitForHandled(2);
      expect(handler.calls.map((call) => call.updateId)).toEqual([1, 2]);
    });

    async function rowId(botId: number, updateId: number): Promise<number | undefined> {
      const row = await t.platform.database.db.selectFrom("update_inbox").select("id").where("bot_id", "=", botId).where("update_id", "=", updateId).executeTakeFirst();
      return row && Number(row.id);
    }
  });
});

describe("a platform on PostgreSQL with REDIS_URL", () => {
  const prefix = `botyard-test-${Math.random().toString(36).slice(2, 10)}`;
  const t = usePlatform("postgres", { REDIS_URL: redisUrl(), REDIS_PREFIX: prefix });
  afterAll(async () => {
    const redis = new Redis(redisUrl());
    const keys = await redis.keys(`groupmq:${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it("takes updates in through the Redis queue, not the embedded dispatcher", async () => {
    expect(t.platform.runtime.intake).toBeInstanceOf(GroupedUpdateQueue);
    expect(t.platform.runtime.dispatcher).toBeUndefined();
    const bot = (await t.platform.bots.store.insert((await signUp(t.app)).id, { name: "Queued" }))!;
    expect(await t.platform.runtime.intake.accept(bot.id, [textUpdate(1, 10)])).toBe(1);
    const redis = new Redis(redisUrl());
    expect(await redis.keys(`groupmq:${prefix}:updates:job:inbox-*`)).toHaveLength(1);
    await redis.quit();
  });
});
