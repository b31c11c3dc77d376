import { describe, expect, it, vi } from "vitest";
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
});
