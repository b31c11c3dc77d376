import { expect, it, vi } from "vitest";
import type { Job, JobQueue } from "../../src/jobs/job-queue.js";

/** What both implementations take. */
export interface CommonQueueOptions {
  concurrency: number;
  leaseMs: number;
  maxAttempts: number;
  retryDelayMs(attempts: number): number;
  ownerOf?(botId: number): Promise<number | undefined>;
}

/** A queue the tests can wait on. */
export type TestQueue = JobQueue & { idle(): Promise<void> };

/**
 * How a suite makes queues (stopped after each test; two of them are two workers of one
 * store) and bots (each of an owner of its own), whose a bot is, what "now" is for due
 * times, and how time passes: the fake clock moves for the embedded queue; for BullMQ, whose
 * delays are real time, it is a real wait, so the tests that need it use short times.
 */
export interface QueueHarness {
  queue(options?: Partial<CommonQueueOptions>): TestQueue;
  newBot(): Promise<number>;
  ownerOf(botId: number): Promise<number | undefined>;
  now(): number;
  passTime(ms: number): Promise<void>;
}

/** A promise with its resolve at hand. */
export function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((ok) => (resolve = ok));
  return { promise, resolve };
}

/** Waits until `done` holds (the work between is I/O, not time on the clock). */
export function until(done: () => boolean | Promise<boolean>): Promise<void> {
  return vi.waitFor(
    async () => {
      if (!(await done())) throw new Error("not yet");
    },
    { timeout: 5000, interval: 2 },
  );
}

/**
 * The JobQueue contract: run inside a describe block of each implementation. Due times and
 * back-off move with the harness's time (100 ms steps, real waits on BullMQ), and the tests
 * check when things ran rather than that nothing ran by a moment (real time may be late). Leases are
 * tested in each implementation's file: how a worker "dies" differs (a stopped clock, a
 * cut connection).
 */
export function behavesAsAJobQueue(h: QueueHarness): void {
  /** A started queue that records what its "note" jobs saw. */
  /** A started queue whose "step" jobs record their names; the one named `failing` waits for the gate, then throws. */
  async function failingStep(failing: string) {
    const q = h.queue({ retryDelayMs: () => 0 });
    const gate = deferred();
    const runs: string[] = [];
    q.register<{ name: string }>("step", async (job) => {
      runs.push(job.payload.name);
      if (job.payload.name === failing) {
        await gate.promise;
        throw new Error(`${failing} failed once it was no longer wanted`);
      }
    });
    await q.start();
    return { q, gate, runs };
  }

  async function recording(options: Partial<CommonQueueOptions> = {}) {
    const q = h.queue(options);
    const ran: { payload: unknown; attempts: number }[] = [];
    q.register<{ n: number }>("note", async (job) => void ran.push({ payload: job.payload, attempts: job.attempts }));
    await q.start();
    return { q, ran };
  }

  it("runs jobs already due at start, soonest first", async () => {
    const botId = await h.newBot();
    const q = h.queue({ concurrency: 1 });
    const order: number[] = [];
    q.register<{ n: number }>("note", async (job) => void order.push(job.payload.n));
    const now = h.now();
    await q.enqueue([2, 3, 1].map((n) => ({ kind: "note", botId, payload: { n }, runAt: now - 1000 + n })));
    await q.start();
    await until(() => order.length === 3);
    expect(order).toEqual([1, 2, 3]);
  });

  it("runs at most `concurrency` jobs at once and takes the next as one finishes", async () => {
    const botId = await h.newBot();
    const q = h.queue({ concurrency: 2 });
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
    const botId = await h.newBot();
    const q = h.queue({ concurrency: 8 });
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
    const now = h.now();
    // a2 is due before a1, but was enqueued after it: the key's order is the enqueue order.
    await q.enqueue([
      { kind: "step", botId, payload: { name: "a1" }, orderingKey: "chat:1", runAt: now },
      { kind: "step", botId, payload: { name: "a2" }, orderingKey: "chat:1", runAt: now - 5000 },
      { kind: "step", botId, payload: { name: "b1" }, orderingKey: "chat:2", runAt: now },
    ]);
    // A later call joins the same key's line.
    await q.enqueue([{ kind: "step", botId, payload: { name: "a3" }, orderingKey: "chat:1", runAt: now - 10_000 }]);
    await until(() => gates.size === 2);
    expect([...gates.keys()].sort()).toEqual(["a1", "b1"]);
    gates.get("a1")!.resolve();
    await until(() => gates.has("a2"));
    expect(gates.has("a3")).toBe(false);
    gates.get("a2")!.resolve();
    await until(() => gates.has("a3"));
    gates.get("a3")!.resolve();
    gates.get("b1")!.resolve();
    await q.idle();
    expect(log.filter((line) => line.endsWith("a1") || line.endsWith("a2") || line.endsWith("a3"))).toEqual(["start a1", "end a1", "start a2", "end a2", "start a3", "end a3"]);
  });

  it("keeps one waiting job per dedupe key: enqueueing it again replaces it", async () => {
    const botId = await h.newBot();
    const q = h.queue();
    const now = h.now();
    await q.enqueue([{ kind: "note", botId, payload: { n: 1 }, runAt: now + 10_000, dedupeKey: "auto_retry:7" }]);
    await q.enqueue([{ kind: "note", botId, payload: { n: 2 }, runAt: now + 20_000, dedupeKey: "auto_retry:7" }]);
    await q.enqueue([{ kind: "note", botId, payload: { n: 3 }, runAt: now + 10_000, dedupeKey: "auto_retry:8" }]);
    // Within one call too: the last one wins.
    await q.enqueue([4, 5].map((n) => ({ kind: "note", botId, payload: { n }, runAt: now + 30_000, dedupeKey: "auto_retry:9" })));
    const pending = await q.pending<{ n: number }>(botId, { limit: 10, offset: 0 });
    expect(pending.items.map((job) => [job.payload.n, job.runAt - now, job.dedupeKey])).toEqual([
      [3, 10_000, "auto_retry:8"],
      [2, 20_000, "auto_retry:7"],
      [5, 30_000, "auto_retry:9"],
    ]);
    expect((await q.pending(botId, { limit: 10, offset: 0 }, { dedupeKey: "auto_retry:7" })).total).toBe(1);
  });

  it("lists a bot's waiting jobs soonest first, by page, label and kind, and cancels them the same ways", async () => {
    const [botId, otherBotId] = [await h.newBot(), await h.newBot()];
    const { q } = await recording();
    const now = h.now();
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
    expect(ns(await q.pending(botId, { limit: 10, offset: 0 }, { kind: ["other", "note"] }))).toEqual([1, 2, 3]);
    expect(all.items[0]).toMatchObject({ botId, kind: "note", label: "remind", runAt: at(10), attempts: 0, orderingKey: null, dedupeKey: null });

    expect(await q.cancel(botId, { label: "remind" })).toBe(2);
    expect(ns(await q.pending(botId, { limit: 10, offset: 0 }))).toEqual([2]);
    expect(await q.cancel(botId)).toBe(1);
    expect((await q.pending(botId, { limit: 10, offset: 0 })).total).toBe(0);
    // The other bot's job is untouched.
    expect(ns(await q.pending(otherBotId, { limit: 10, offset: 0 }))).toEqual([9]);
  });

  it("cancels a running job without retrying it, and wakes the next of its ordering key", async () => {
    const botId = await h.newBot();
    const { q, gate, runs } = await failingStep("first");
    await q.enqueue([
      { kind: "step", botId, payload: { name: "first" }, orderingKey: "k", label: "a" },
      { kind: "step", botId, payload: { name: "waiting" }, orderingKey: "k", label: "b", runAt: h.now() + 3_600_000 },
      { kind: "step", botId, payload: { name: "next" }, orderingKey: "k", label: "c" },
    ]);
    await until(() => runs.length === 1);
    expect((await q.pending(botId, { limit: 10, offset: 0 })).total).toBe(2);
    expect(await q.cancel(botId, { label: "a" })).toBe(1);
    expect(await q.cancel(botId, { label: "b" })).toBe(1);
    gate.resolve();
    await until(() => runs.length === 2);
    await q.idle();
    expect(runs).toEqual(["first", "next"]);
    expect((await q.pending(botId, { limit: 10, offset: 0 })).total).toBe(0);
  });

  it("takes only the kinds it has handlers for", async () => {
    const botId = await h.newBot();
    const { q, ran } = await recording();
    await q.enqueue([
      { kind: "unhandled", botId, payload: { n: 1 } },
      { kind: "note", botId, payload: { n: 2 } },
    ]);
    await until(() => ran.length === 1);
    await q.idle();
    expect(ran.map((r) => r.payload)).toEqual([{ n: 2 }]);
    expect((await q.pending(botId, { limit: 10, offset: 0 }, { kind: "unhandled" })).items[0]).toMatchObject({ attempts: 0 });
  });

  it("waits for its running jobs when stopped, and leaves the others for the next start", async () => {
    const botId = await h.newBot();
    const q = h.queue({ concurrency: 1 });
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
    await q.start();
    await until(() => done.length === 2);
    expect(done).toEqual([1, 2]);
  });

  /** Lets time pass in 100 ms steps until `done` holds (4 s of time at most). */
  async function passUntil(q: TestQueue, done: () => boolean): Promise<void> {
    for (let step = 0; step < 40 && !done(); step++) {
      await h.passTime(100);
      await q.idle();
    }
    expect(done()).toBe(true);
  }

  it("runs a job once, at its due time and not before, then forgets it", async () => {
    const botId = await h.newBot();
    const q = h.queue();
    const ran: { attempts: number; at: number }[] = [];
    q.register("note", async (job) => void ran.push({ attempts: job.attempts, at: h.now() }));
    await q.start();
    const due = h.now() + 300;
    await q.enqueue([{ kind: "note", botId, payload: {}, runAt: due }]);
    expect((await q.pending(botId, { limit: 10, offset: 0 })).items).toMatchObject([{ runAt: due, attempts: 0 }]);
    await passUntil(q, () => ran.length === 1);
    expect(ran[0].attempts).toBe(1);
    expect(ran[0].at).toBeGreaterThanOrEqual(due);
    await until(async () => (await q.pending(botId, { limit: 10, offset: 0 })).total === 0);
    await h.passTime(300);
    await q.idle();
    expect(ran).toHaveLength(1);
  });

  it("retries a failing job after its back-off, and gives it up after its last attempt", async () => {
    const botId = await h.newBot();
    const q = h.queue({ retryDelayMs: (attempts) => attempts * 300 });
    const attempts: { attempts: number; lastError: string | null; at: number }[] = [];
    q.register("flaky", async (job) => {
      attempts.push({ attempts: job.attempts, lastError: job.lastError, at: h.now() });
      throw new Error(`failure ${job.attempts}`);
    });
    await q.start();
    await q.enqueue([{ kind: "flaky", botId, payload: {}, maxAttempts: 3 }]);
    await until(async () => (await q.pending(botId, { limit: 10, offset: 0 })).items[0]?.lastError === "failure 1");
    const [waiting] = (await q.pending(botId, { limit: 10, offset: 0 })).items;
    expect(waiting).toMatchObject({ attempts: 1, lastError: "failure 1" });
    expect(waiting.runAt).toBeGreaterThanOrEqual(attempts[0].at + 300);
    await passUntil(q, () => attempts.length === 3);
    expect(attempts.map(({ attempts, lastError }) => ({ attempts, lastError }))).toEqual([
      { attempts: 1, lastError: null },
      { attempts: 2, lastError: "failure 1" },
      { attempts: 3, lastError: "failure 2" },
    ]);
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(300);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(600);
    await until(async () => (await q.pending(botId, { limit: 10, offset: 0 })).total === 0);
    await h.passTime(1200);
    await q.idle();
    expect(attempts).toHaveLength(3);
  });

  it("runs a deduplicated job at the time of the enqueue that replaced it", async () => {
    const botId = await h.newBot();
    const q = h.queue();
    const ran: { n: number; at: number }[] = [];
    q.register<{ n: number }>("note", async (job) => void ran.push({ n: job.payload.n, at: h.now() }));
    await q.start();
    const now = h.now();
    await q.enqueue([{ kind: "note", botId, payload: { n: 1 }, runAt: now + 300, dedupeKey: "auto_retry:7" }]);
    await q.enqueue([{ kind: "note", botId, payload: { n: 2 }, runAt: now + 600, dedupeKey: "auto_retry:7" }]);
    await passUntil(q, () => ran.length === 1);
    expect(ran[0].n).toBe(2);
    expect(ran[0].at).toBeGreaterThanOrEqual(now + 600);
    await h.passTime(300);
    await q.idle();
    expect(ran).toHaveLength(1);
  });

  it("leaves exactly one waiting job when two workers enqueue one dedupe key at the same time", async () => {
    const botId = await h.newBot();
    const [a, b] = [h.queue(), h.queue()];
    const later = h.now() + 3_600_000;
    for (let round = 0; round < 20; round++) {
      const key = `k${round}`;
      await Promise.all([a, b, a, b].map((q, i) => q.enqueue([{ kind: "note", botId, payload: { n: i }, runAt: later, dedupeKey: key }])));
    }
    // Last wins when the enqueues do not overlap.
    await a.enqueue([{ kind: "note", botId, payload: { n: 8 }, runAt: later, dedupeKey: "k0" }]);
    await b.enqueue([{ kind: "note", botId, payload: { n: 9 }, runAt: later, dedupeKey: "k0" }]);
    const pending = await a.pending<{ n: number }>(botId, { limit: 100, offset: 0 });
    expect(pending.items.map((job) => job.dedupeKey).sort()).toEqual(Array.from({ length: 20 }, (_, round) => `k${round}`).sort());
    expect(pending.items.find((job) => job.dedupeKey === "k0")!.payload.n).toBe(9);
  });

  it("does not retry a failed job whose dedupe key a newer job took while it ran", async () => {
    const botId = await h.newBot();
    const { q, gate, runs } = await failingStep("old");
    await q.enqueue([{ kind: "step", botId, payload: { name: "old" }, dedupeKey: "d" }]);
    await until(() => runs.length === 1);
    await q.enqueue([{ kind: "step", botId, payload: { name: "new" }, dedupeKey: "d", runAt: h.now() + 3_600_000 }]);
    gate.resolve();
    await q.idle();
    const pending = await q.pending<{ name: string }>(botId, { limit: 10, offset: 0 });
    expect(pending.items.map((job) => job.payload.name)).toEqual(["new"]);
    expect(runs).toEqual(["old"]);
  });

  it("gives another owner's due job the next free slot during one owner's flood, and an owner alone every slot", async () => {
    const [flooder, other] = [await h.newBot(), await h.newBot()];
    const q = h.queue({ concurrency: 4, ownerOf: (botId) => h.ownerOf(botId) });
    const started: string[] = [];
    const attempts: number[] = [];
    const gates: (() => void)[] = [];
    q.register<{ name: string }>("slow", async (job) => {
      started.push(job.payload.name);
      attempts.push(job.attempts);
      await new Promise<void>((resolve) => gates.push(resolve));
    });
    const now = h.now();
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

    while (started.length < 21 || gates.length > 0) {
      gates.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await q.idle();
    expect(new Set(started).size).toBe(21);
    // Passed over (on BullMQ, moved back and taken again), a job still counts one attempt.
    expect(new Set(attempts)).toEqual(new Set([1]));
  });
}
