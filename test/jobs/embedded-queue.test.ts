import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EmbeddedJobQueue, type EmbeddedQueueOptions } from "../../src/jobs/embedded-queue.js";
import type { Job } from "../../src/jobs/job-queue.js";
import { createBot, signUpClient } from "../support/bots.js";
import { FakeClock } from "../support/fake-clock.js";
import { engines, usePlatform } from "../support/platform.js";

const silent = pino({ level: "silent" });

/** A promise with its resolve at hand. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((ok) => (resolve = ok));
  return { promise, resolve };
}

describe.each(engines())("the embedded job queue on %s", (engine) => {
  const t = usePlatform(engine);
  const queues: EmbeddedJobQueue[] = [];

  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.stop()));
  });

  function queue(options: Partial<EmbeddedQueueOptions> = {}, clock = t.clock) {
    const made = new EmbeddedJobQueue(t.platform.database, clock, silent, { retryDelayMs: (attempts) => attempts * 1000, ...options });
    queues.push(made);
    return made;
  }

  async function newBot() {
    const { api } = await signUpClient(t.app);
    return (await createBot(api)).id;
  }

  /** A queue that records what its "note" jobs saw. */
  async function recording(options: Partial<EmbeddedQueueOptions> = {}) {
    const q = queue(options);
    const ran: { payload: unknown; at: number; attempts: number }[] = [];
    q.register<{ n: number }>("note", async (job) => void ran.push({ payload: job.payload, at: t.clock.now(), attempts: job.attempts }));
    await q.start();
    return { q, ran };
  }

  it("runs a job once, when the clock reaches its due time, then forgets it; nothing polls meanwhile", async () => {
    const botId = await newBot();
    const { q, ran } = await recording();
    const due = t.clock.now() + 60_000;
    await q.enqueue([{ kind: "note", botId, payload: { n: 1 }, runAt: due }]);
    await q.idle();
    expect(ran).toEqual([]);
    // One timer, at the due time: no polling loop.
    expect(t.clock.nextTimerAt).toBe(due);

    t.clock.advance(59_999);
    await q.idle();
    expect(ran).toEqual([]);
    t.clock.advance(1);
    await q.idle();
    expect(ran).toEqual([{ payload: { n: 1 }, at: due, attempts: 1 }]);
    expect((await q.pending(botId, { limit: 10, offset: 0 })).total).toBe(0);

    t.clock.advance(3_600_000);
    await q.idle();
    expect(ran).toHaveLength(1);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it("runs jobs already due at start, soonest first", async () => {
    const botId = await newBot();
    const q = queue({ concurrency: 1 });
    const order: number[] = [];
    q.register<{ n: number }>("note", async (job) => void order.push(job.payload.n));
    const now = t.clock.now();
    await q.enqueue([2, 3, 1].map((n) => ({ kind: "note", botId, payload: { n }, runAt: now - 1000 + n })));
    await q.start();
    await q.idle();
    expect(order).toEqual([1, 2, 3]);
  });

  it("runs at most `concurrency` jobs at once and takes the next as one finishes", async () => {
    const botId = await newBot();
    const q = queue({ concurrency: 2 });
    const gates = new Map<number, ReturnType<typeof deferred>>();
    const started: number[] = [];
    q.register<{ n: number }>("slow", async (job) => {
      started.push(job.payload.n);
      const gate = deferred();
      gates.set(job.payload.n, gate);
      await gate.promise;
    });
    await q.start();
    await q.enqueue([1, 2, 3, 4].map((n) => ({ kind: "slow", botId, payload: { n } })));
    await until(() => started.length === 2);
    expect(started).toEqual([1, 2]);
    gates.get(1)!.resolve();
    await until(() => started.length === 3);
    expect(started).toEqual([1, 2, 3]);
    for (const n of [2, 3]) gates.get(n)!.resolve();
    await until(() => started.length === 4);
    gates.get(4)!.resolve();
    await q.idle();
  });

  it("runs the jobs of one ordering key one at a time in enqueue order, other keys beside them", async () => {
    const botId = await newBot();
    const q = queue({ concurrency: 8 });
    const log: string[] = [];
    const gates = new Map<string, ReturnType<typeof deferred>>();
    q.register<{ name: string }>("step", async (job) => {
      log.push(`start ${job.payload.name}`);
      const gate = deferred();
      gates.set(job.payload.name, gate);
      await gate.promise;
      log.push(`end ${job.payload.name}`);
    });
    await q.start();
    const now = t.clock.now();
    // a2 is due before a1, but was enqueued after it: the key's order is the enqueue order.
    await q.enqueue([
      { kind: "step", botId, payload: { name: "a1" }, orderingKey: "chat:1", runAt: now },
      { kind: "step", botId, payload: { name: "a2" }, orderingKey: "chat:1", runAt: now - 5000 },
      { kind: "step", botId, payload: { name: "b1" }, orderingKey: "chat:2", runAt: now },
    ]);
    await until(() => gates.size === 2);
    expect([...gates.keys()].sort()).toEqual(["a1", "b1"]);
    gates.get("a1")!.resolve();
    await until(() => gates.has("a2"));
    gates.get("a2")!.resolve();
    gates.get("b1")!.resolve();
    await q.idle();
    expect(log.indexOf("end a1")).toBeLessThan(log.indexOf("start a2"));
  });

  it("gives another owner's due job the next free slot during one owner's flood, and an owner alone every slot", async () => {
    const [flooder, other] = [await newBot(), await newBot()];
    const q = queue({ concurrency: 4, ownerOf: async (botId) => (await t.platform.bots.store.byId(botId))?.owner_id });
    const started: string[] = [];
    const gates: (() => void)[] = [];
    q.register<{ name: string }>("slow", async (job) => {
      started.push(job.payload.name);
      await new Promise<void>((resolve) => gates.push(resolve));
    });
    const now = t.clock.now();
    // The flood is due first: in due order alone, the other owner's job would wait for all of it.
    await q.enqueue(Array.from({ length: 20 }, (_, i) => ({ kind: "slow", botId: flooder, payload: { name: `flood ${i}` }, runAt: now - 10_000 + i })));
    await q.start();
    await until(() => started.length === 4);
    expect(started).toEqual(["flood 0", "flood 1", "flood 2", "flood 3"]);

    // Nothing of anyone else is due: the flood takes the freed slot.
    gates.shift()!();
    await until(() => started.length === 5);
    expect(started[4]).toBe("flood 4");

    await q.enqueue([{ kind: "slow", botId: other, payload: { name: "other" }, runAt: now }]);
    gates.shift()!();
    await until(() => started.length === 6);
    expect(started[5]).toBe("other");
    gates.shift()!();
    await until(() => started.length === 7);
    expect(started[6]).toBe("flood 5");

    // A job of the other owner falling due later (not enqueued meanwhile) is found too.
    await q.enqueue([{ kind: "slow", botId: other, payload: { name: "later" }, runAt: now + 60_000 }]);
    await t.clock.advanceAsync(60_000);
    gates.shift()!();
    await until(() => started.length === 8);
    expect(started[7]).toBe("later");

    while (started.length < 22 || gates.length > 0) {
      gates.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await q.idle();
  });

  it("retries a failing job after its back-off, and gives it up after its last attempt", async () => {
    const botId = await newBot();
    const q = queue();
    const attempts: { attempts: number; at: number; lastError: string | null }[] = [];
    const start = t.clock.now();
    q.register("flaky", async (job) => {
      attempts.push({ attempts: job.attempts, at: t.clock.now() - start, lastError: job.lastError });
      throw new Error(`failure ${job.attempts}`);
    });
    await q.start();
    await q.enqueue([{ kind: "flaky", botId, payload: {}, maxAttempts: 3 }]);
    await q.idle();
    expect(attempts).toEqual([{ attempts: 1, at: 0, lastError: null }]);
    const [waiting] = (await q.pending(botId, { limit: 10, offset: 0 })).items;
    expect(waiting).toMatchObject({ attempts: 1, lastError: "failure 1", runAt: start + 1000 });

    t.clock.advance(999);
    await q.idle();
    expect(attempts).toHaveLength(1);
    t.clock.advance(1);
    await q.idle();
    t.clock.advance(2000);
    await q.idle();
    expect(attempts).toEqual([
      { attempts: 1, at: 0, lastError: null },
      { attempts: 2, at: 1000, lastError: "failure 1" },
      { attempts: 3, at: 3000, lastError: "failure 2" },
    ]);
    expect((await q.pending(botId, { limit: 10, offset: 0 })).total).toBe(0);
    t.clock.advance(60_000);
    await q.idle();
    expect(attempts).toHaveLength(3);
  });

  it("takes a job again when the worker that held it died, once its lease ends, and not after its last attempt", async () => {
    const botId = await newBot();
    // The dead worker ran on a clock of its own, which stopped with it: it renews nothing.
    const deadClock = new FakeClock(t.clock.now());
    const dead = queue({ leaseMs: 30_000 }, deadClock);
    const taken: number[] = [];
    dead.register<{ n: number }>("note", async (job) => {
      taken.push(job.payload.n);
      await new Promise(() => {}); // the process dies while it runs
    });
    await dead.start();
    await dead.enqueue([
      { kind: "note", botId, payload: { n: 1 } },
      { kind: "note", botId, payload: { n: 2 }, maxAttempts: 1 },
    ]);
    await until(() => taken.length === 2);
    queues.splice(queues.indexOf(dead), 1);

    const { q, ran } = await recording({ leaseMs: 30_000 });
    await q.idle();
    expect(ran).toEqual([]);
    t.clock.advance(29_999);
    await q.idle();
    expect(ran).toEqual([]);
    t.clock.advance(1);
    await q.idle();
    // Job 2 had one attempt, which died: given up, not run again.
    expect(ran).toEqual([{ payload: { n: 1 }, at: t.clock.now(), attempts: 2 }]);
    expect((await q.pending(botId, { limit: 10, offset: 0 })).total).toBe(0);
  });

  it("keeps a running job's lease while it runs past the lease length", async () => {
    const botId = await newBot();
    const q = queue({ leaseMs: 30_000 });
    const gate = deferred();
    let runs = 0;
    q.register("long", async () => {
      runs++;
      await gate.promise;
    });
    await q.start();
    await q.enqueue([{ kind: "long", botId, payload: {} }]);
    await until(() => runs === 1);
    const leaseEnd = async () => Date.parse((await t.platform.database.db.selectFrom("jobs").select("run_at").where("bot_id", "=", botId).executeTakeFirstOrThrow()).run_at);
    for (let i = 0; i < 10; i++) {
      await t.clock.advanceAsync(10_000);
      await until(async () => (await leaseEnd()) > t.clock.now());
    }
    const other = queue({ leaseMs: 30_000 });
    let stolen = 0;
    other.register("long", async () => void stolen++);
    await other.start();
    await other.idle();
    expect([runs, stolen]).toEqual([1, 0]);
    gate.resolve();
    await q.idle();
  });

  it("keeps one waiting job per dedupe key: enqueueing it again replaces it", async () => {
    const botId = await newBot();
    const { q, ran } = await recording();
    const now = t.clock.now();
    await q.enqueue([{ kind: "note", botId, payload: { n: 1 }, runAt: now + 10_000, dedupeKey: "auto_retry:7" }]);
    await q.enqueue([{ kind: "note", botId, payload: { n: 2 }, runAt: now + 20_000, dedupeKey: "auto_retry:7" }]);
    await q.enqueue([{ kind: "note", botId, payload: { n: 3 }, runAt: now + 10_000, dedupeKey: "auto_retry:8" }]);
    // Within one call too: the last one wins.
    await q.enqueue([4, 5].map((n) => ({ kind: "note", botId, payload: { n }, runAt: now + 30_000, dedupeKey: "auto_retry:9" })));
    const pending = await q.pending<{ n: number }>(botId, { limit: 10, offset: 0 });
    expect(pending.items.map((job) => [job.payload.n, job.runAt - now])).toEqual([
      [3, 10_000],
      [2, 20_000],
      [5, 30_000],
    ]);
    t.clock.advance(30_000);
    await q.idle();
    expect(ran.map((r) => r.payload)).toEqual([{ n: 3 }, { n: 2 }, { n: 5 }]);
  });

  it("lists a bot's waiting jobs soonest first, by page, label and kind, and cancels them the same ways", async () => {
    const [botId, otherBotId] = [await newBot(), await newBot()];
    const { q } = await recording();
    const now = t.clock.now();
    const at = (s: number) => now + s * 1000;
    await q.enqueue([
      { kind: "note", botId, payload: { n: 3 }, runAt: at(30), label: "remind" },
      { kind: "note", botId, payload: { n: 1 }, runAt: at(10), label: "remind" },
      { kind: "other", botId, payload: { n: 2 }, runAt: at(20) },
      { kind: "note", botId: otherBotId, payload: { n: 9 }, runAt: at(5), label: "remind" },
    ]);
    const ns = (page: { items: Job<{ n: number }>[] }) => page.items.map((job) => job.payload.n);
    const all = await q.pending<{ n: number }>(botId, { limit: 2, offset: 0 });
    expect([ns(all), all.total]).toEqual([[1, 2], 3]);
    expect(ns(await q.pending(botId, { limit: 2, offset: 2 }))).toEqual([3]);
    expect(ns(await q.pending(botId, { limit: 10, offset: 0 }, { label: "remind" }))).toEqual([1, 3]);
    expect(ns(await q.pending(botId, { limit: 10, offset: 0 }, { kind: "other" }))).toEqual([2]);
    expect(all.items[0]).toMatchObject({ botId, kind: "note", label: "remind", runAt: at(10), attempts: 0, orderingKey: null, dedupeKey: null });

    expect(await q.cancel(botId, { label: "remind" })).toBe(2);
    expect(ns(await q.pending(botId, { limit: 10, offset: 0 }))).toEqual([2]);
    expect(await q.cancel(botId)).toBe(1);
    expect((await q.pending(botId, { limit: 10, offset: 0 })).total).toBe(0);
    // The other bot's job is untouched.
    expect(ns(await q.pending(otherBotId, { limit: 10, offset: 0 }))).toEqual([9]);
  });

  it("takes only the kinds it has handlers for", async () => {
    const botId = await newBot();
    const { q, ran } = await recording();
    await q.enqueue([
      { kind: "unhandled", botId, payload: { n: 1 } },
      { kind: "note", botId, payload: { n: 2 } },
    ]);
    await q.idle();
    expect(ran.map((r) => r.payload)).toEqual([{ n: 2 }]);
    expect((await q.pending(botId, { limit: 10, offset: 0 }, { kind: "unhandled" })).items[0]).toMatchObject({ attempts: 0 });
  });

  it("waits for its running jobs when stopped, and leaves the others for the next start", async () => {
    const botId = await newBot();
    const q = queue({ concurrency: 1 });
    const gate = deferred();
    const done: number[] = [];
    q.register<{ n: number }>("note", async (job) => {
      await gate.promise;
      done.push(job.payload.n);
    });
    await q.start();
    await q.enqueue([1, 2].map((n) => ({ kind: "note", botId, payload: { n } })));
    await until(async () => (await q.pending(botId, { limit: 10, offset: 0 })).total === 1);
    const stopped = q.stop();
    gate.resolve();
    await stopped;
    expect(done).toEqual([1]);
    expect((await q.pending(botId, { limit: 10, offset: 0 })).total).toBe(1);
  });

  it("loses a deleted bot's jobs with it", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const q = queue();
    await q.enqueue([{ kind: "note", botId: bot.id, payload: {}, runAt: t.clock.now() + 1000 }]);
    expect((await api.delete(`/v2/bots/${bot.id}`)).statusCode).toBe(200);
    expect((await q.pending(bot.id, { limit: 10, offset: 0 })).total).toBe(0);
  });
});

/** Waits until `done` holds (the work between is I/O, not time on the clock). */
function until(done: () => boolean | Promise<boolean>): Promise<void> {
  return vi.waitFor(
    async () => {
      if (!(await done())) throw new Error("not yet");
    },
    { timeout: 5000, interval: 2 },
  );
}
