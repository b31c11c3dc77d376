import { describe, expect, inject, it, vi } from "vitest";
import { FakeClock } from "../support/fake-clock.js";
import { useSharedPlatforms } from "../support/shared-platforms.js";
import { IterationBudget } from "../../src/runtime/iteration-budget.js";
import { createBot, signUpClient } from "../support/bots.js";
import { engines, usePlatform } from "../support/platform.js";

describe.each(engines())("the iteration budget on %s", (engine) => {
  const t = usePlatform(engine);

  async function owner() {
    const { api } = await signUpClient(t.app);
    const [first, second] = [await createBot(api), await createBot(api)];
    const ownerId = (await t.platform.bots.store.byId(first.id))!.owner_id;
    return { ownerId, bots: [first.id, second.id] };
  }

  it("counts what each owner spent, written or not, across their bots and batches", async () => {
    const budget = new IterationBudget(t.platform.iterations, t.clock);
    const ann = await owner();
    const ben = await owner();
    budget.spend(ann.ownerId, ann.bots[0]!, 2);
    budget.spend(ann.ownerId, ann.bots[1]!, 3);
    budget.spend(ben.ownerId, ben.bots[0]!, 7);
    expect([await budget.spent(ann.ownerId), await budget.spent(ben.ownerId)]).toEqual([5, 7]);

    await budget.flush();
    budget.spend(ann.ownerId, ann.bots[0]!, 1);
    expect([await budget.spent(ann.ownerId), await budget.spent(ben.ownerId)]).toEqual([6, 7]);
    expect((await t.platform.iterations.usage(ann.ownerId)).used).toBe(5);

    await budget.stop();
    expect((await t.platform.iterations.usage(ann.ownerId)).used).toBe(6);
    expect(await budget.spent(ann.ownerId)).toBe(6);
  });

  it("owes a batch it could not write to the next one, losing and doubling nothing", async () => {
    const ann = await owner();
    const meter = t.platform.iterations;
    let failNext = true;
    const flaky = Object.assign(Object.create(meter) as typeof meter, {
      add: (...args: Parameters<typeof meter.add>) => (failNext ? ((failNext = false), Promise.reject(new Error("database away"))) : meter.add(...args)),
    });
    const budget = new IterationBudget(flaky, t.clock);
    budget.spend(ann.ownerId, ann.bots[0]!, 2);
    budget.spend(ann.ownerId, ann.bots[1]!, 3);
    await expect(budget.flush()).rejects.toThrow("database away");
    expect(await budget.spent(ann.ownerId)).toBe(5);
    budget.spend(ann.ownerId, ann.bots[0]!, 1);
    await budget.flush();
    expect((await meter.usage(ann.ownerId)).used).toBe(6);
    expect(await budget.spent(ann.ownerId)).toBe(6);
  });

  it("writes its batches on the clock once started", async () => {
    const budget = new IterationBudget(t.platform.iterations, t.clock);
    const ann = await owner();
    budget.start();
    budget.spend(ann.ownerId, ann.bots[0]!, 4);
    expect((await t.platform.iterations.usage(ann.ownerId)).used).toBe(0);
    await t.clock.advanceAsync(1000);
    await vi.waitFor(async () => expect((await t.platform.iterations.usage(ann.ownerId)).used).toBe(4));
    await budget.stop();
  });

  it("arms a write only while something is owed (an idle process is not woken every second)", async () => {
    const clock = new FakeClock();
    const budget = new IterationBudget(t.platform.iterations, clock);
    const ann = await owner();
    budget.start();
    expect(clock.pendingTimers).toBe(0);
    budget.spend(ann.ownerId, ann.bots[0]!, 2);
    budget.spend(ann.ownerId, ann.bots[1]!, 3);
    expect(clock.pendingTimers).toBe(1);
    await clock.advanceAsync(1000);
    await vi.waitFor(async () => expect((await t.platform.iterations.usage(ann.ownerId)).used).toBe(5));
    expect(clock.pendingTimers).toBe(0);
    await budget.stop();
  });
});

/** Two processes' budgets on one PostgreSQL database: their batches add up, and each quota check sees the other's writes. */
describe.skipIf(!inject("postgresUrl"))("iteration budgets of two processes", () => {
  const shared = useSharedPlatforms();

  it("sum exactly, with batches written at the same moments, and each sees the other's usage within its read TTL", async () => {
    const clocks = [new FakeClock(), new FakeClock()];
    const [a, b] = [await shared.add({ clock: clocks[0] }), await shared.add({ clock: clocks[1] })];
    const owner = await a.users.create({ email: "counted@example.com", passwordHash: null, plan: "free" });
    const bot = (await a.bots.store.insert(owner.id, { name: "counted" }))!;
    const budgets = [new IterationBudget(a.iterations, clocks[0]!), new IterationBudget(b.iterations, clocks[1]!)];
    expect(await budgets[0]!.spent(owner.id)).toBe(0); // A has read the usage: it trusts this read for 5 s

    const N = 300;
    for (let i = 0; i < N; i++) {
      for (const budget of budgets) budget.spend(owner.id, bot.id, 1);
      // Both processes write at once, often: concurrent upserts of one counter row.
      if (i % 30 === 29) await Promise.all(budgets.map((budget) => budget.flush()));
    }
    budgets[0]!.spend(owner.id, bot.id, 1);
    await Promise.all(budgets.map((budget) => budget.stop()));
    expect((await a.iterations.usage(owner.id)).used).toBe(2 * N + 1);
    expect((await b.iterations.usage(owner.id)).used).toBe(2 * N + 1);
    expect(await budgets[0]!.spent(owner.id)).toBe(2 * N + 1);

    // B spends more: A's quota check sees it once its read is older than the TTL, not before.
    const seen = await budgets[0]!.spent(owner.id);
    budgets[1]!.spend(owner.id, bot.id, 5);
    await budgets[1]!.flush();
    expect(await budgets[0]!.spent(owner.id)).toBe(seen);
    clocks[0]!.advance(5001);
    expect(await budgets[0]!.spent(owner.id)).toBe(2 * N + 1 + 5);
  });
});
