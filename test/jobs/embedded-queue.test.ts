import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { EmbeddedJobQueue, type EmbeddedQueueOptions } from "../../src/jobs/embedded-queue.js";
import { createBot, signUpClient } from "../support/bots.js";
import { FakeClock } from "../support/fake-clock.js";
import { engines, usePlatform } from "../support/platform.js";
import { behavesAsAJobQueue, deferred, until } from "./job-queue-behaviour.js";

const silent = pino({ level: "silent" });

describe.each(engines())("the embedded job queue on %s", (engine) => {
  const t = usePlatform(engine);
  const queues: EmbeddedJobQueue[] = [];

  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.stop()));
    // The platform is shared: what a test leaves waiting must not run in the next.
    await t.platform.database.db.deleteFrom("jobs").execute();
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

  /** A bot and a queue whose "long" job runs until `gate` opens, counting its runs. */
  async function longJob() {
    const botId = await newBot();
    const q = queue({ leaseMs: 30_000 });
    const gate = deferred();
    const counted = { runs: 0 };
    q.register("long", async () => {
      counted.runs++;
      await gate.promise;
    });
    return { botId, q, gate, counted };
  }

  /** A queue that records what its "note" jobs saw. */
  async function recording(options: Partial<EmbeddedQueueOptions> = {}) {
    const q = queue(options);
    const ran: { payload: unknown; at: number; attempts: number }[] = [];
    q.register<{ n: number }>("note", async (job) => void ran.push({ payload: job.payload, at: t.clock.now(), attempts: job.attempts }));
    await q.start();
    return { q, ran };
  }

  const ownerOf = async (botId: number) => (await t.platform.bots.store.byId(botId))?.owner_id;

  behavesAsAJobQueue({ queue: (options) => queue(options), newBot, ownerOf, now: () => t.clock.now(), passTime: (ms) => t.clock.advanceAsync(ms) });

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

  it("finds another owner's job that falls due during a flood, though it was enqueued before", async () => {
    const [flooder, other] = [await newBot(), await newBot()];
    const q = queue({ concurrency: 4, ownerOf });
    const started: string[] = [];
    const gates: (() => void)[] = [];
    q.register<{ name: string }>("slow", async (job) => {
      started.push(job.payload.name);
      await new Promise<void>((resolve) => gates.push(resolve));
    });
    const now = t.clock.now();
    await q.enqueue(Array.from({ length: 10 }, (_, i) => ({ kind: "slow", botId: flooder, payload: { name: `flood ${i}` }, runAt: now - 10_000 + i })));
    await q.enqueue([{ kind: "slow", botId: other, payload: { name: "later" }, runAt: now + 60_000 }]);
    await q.start();
    await until(() => started.length === 4);
    // The claim that found nothing of the others noted when their next job is due, and looks again then.
    gates.shift()!();
    await until(() => started.length === 5);
    await t.clock.advanceAsync(60_000);
    gates.shift()!();
    await until(() => started.length === 6);
    expect(started.slice(4)).toEqual(["flood 4", "later"]);
    while (started.length < 11 || gates.length > 0) {
      gates.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await q.idle();
  });
  it("starts other owners' due jobs in the overflow slots, one each, when a busy owner's slow jobs hold every slot, and the busy owner's never", async () => {
    const [flooder, other, third] = [await newBot(), await newBot(), await newBot()];
    const q = queue({ concurrency: 4, overflowSlots: 2, ownerOf });
    const started: string[] = [];
    const gates: (() => void)[] = [];
    q.register<{ name: string }>("slow", async (job) => {
      started.push(job.payload.name);
      await new Promise<void>((resolve) => gates.push(resolve));
    });
    await q.start();
    await q.enqueue(Array.from({ length: 8 }, (_, i) => ({ kind: "slow", botId: flooder, payload: { name: `flood ${i}` } })));
    await until(() => started.length === 4);
    // No slot frees, and another owner's job starts at once, in an overflow slot; the flood, due
    // before it, took none of those (its next would have started first). That owner's second job
    // leaves the last overflow slot to a third owner.
    await q.enqueue(["a", "b"].map((name) => ({ kind: "slow", botId: other, payload: { name } })));
    await until(() => started.length === 5);
    await q.enqueue([{ kind: "slow", botId: third, payload: { name: "c" } }]);
    await until(() => started.length === 6);
    expect(started.slice(4)).toEqual(["a", "c"]);
    while (started.length < 11 || gates.length > 0) {
      gates.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await q.idle();
    expect(new Set(started).size).toBe(11);
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
    const { botId, q, gate, counted } = await longJob();
    await q.start();
    await q.enqueue([{ kind: "long", botId, payload: {} }]);
    await until(() => counted.runs === 1);
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
    expect([counted.runs, stolen]).toEqual([1, 0]);
    gate.resolve();
    await q.idle();
  });

  it("does not take its own running job again when the clock passed the lease while the claim was in flight", async () => {
    const { botId, q, gate, counted } = await longJob();
    await q.enqueue([{ kind: "long", botId, payload: {} }]);
    // The claim's lease counts from the clock as it was when the claim was sent; it comes back 61 s later.
    const started = q.start();
    t.clock.advance(61_000);
    await started;
    const leaseEnd = Date.parse((await t.platform.database.db.selectFrom("jobs").select("run_at").where("bot_id", "=", botId).executeTakeFirstOrThrow()).run_at);
    expect([counted.runs, leaseEnd > t.clock.now()]).toEqual([1, true]);
    gate.resolve();
    await q.idle();
  });

  it("never runs a job twice at once when its lease lapsed while it ran here (a renewal that did not land)", async () => {
    const { botId, q, gate, counted } = await longJob();
    q.register("note", async () => {});
    await q.start();
    await q.enqueue([{ kind: "long", botId, payload: {} }]);
    await until(() => counted.runs === 1);
    // As a renewal held up by a slow database leaves it: the lease already over.
    await t.platform.database.db.updateTable("jobs").set({ run_at: new Date(t.clock.now() - 1000).toISOString() }).where("bot_id", "=", botId).where("kind", "=", "long").execute();
    // Another job wakes the queue, whose claim takes the lapsed one back.
    await q.enqueue([{ kind: "note", botId, payload: {} }]);
    await until(async () => (await t.platform.database.db.selectFrom("jobs").select("id").where("kind", "=", "note").execute()).length === 0);
    expect(counted.runs).toBe(1);
    gate.resolve();
    await q.idle();
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
