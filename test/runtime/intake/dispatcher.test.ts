import pino from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { Dispatcher, type DispatcherOptions } from "../../../src/runtime/intake/dispatcher.js";
import { Inbox } from "../../../src/runtime/intake/inbox.js";
import { signUp } from "../../support/accounts.js";
import { engines, usePlatform } from "../../support/platform.js";
import { RecordingHandler, textUpdate } from "./recording-handler.js";

const silent = pino({ level: "silent" });

describe.each(engines())("the dispatcher on %s", (engine) => {
  const t = usePlatform(engine);
  let ownerId: number;
  beforeAll(async () => {
    ownerId = (await signUp(t.app)).id;
  });

  /** A fresh bot (its own update ids), an inbox and a dispatcher over the suite's database. */
  async function setUp(options: Partial<DispatcherOptions> = {}) {
    const bot = (await t.platform.bots.store.insert(ownerId, { name: "Intake" }))!;
    const inbox = new Inbox(t.platform.database, t.clock);
    const delays: number[] = [];
    const dispatcher = new Dispatcher(inbox, silent, {
      sleep: async (ms) => {
        delays.push(ms);
        return true;
      },
      ...options,
    });
    return { botId: bot.id, inbox, dispatcher, delays };
  }

  it("drops an update_id it has already accepted, and handles the update once", async () => {
    const { botId, inbox, dispatcher } = await setUp();
    const handler = new RecordingHandler();
    await dispatcher.start(handler);
    expect(await dispatcher.accept(botId, [textUpdate(1, 10)])).toBe(1);
    expect(await dispatcher.accept(botId, [textUpdate(1, 10), textUpdate(2, 10)])).toBe(1);
    expect(await dispatcher.accept(botId, [textUpdate(2, 10)])).toBe(0);
    await handler.waitForHandled(2);
    await dispatcher.stop();
    expect(handler.handledIds(botId)).toEqual([1, 2]);
    expect(await inbox.counts(botId)).toEqual({ done: 2 });
  });

  it("keeps one chat's order while other chats go on in parallel", async () => {
    const { botId, dispatcher } = await setUp();
    const handler = new RecordingHandler();
    await dispatcher.start(handler);
    const releaseFirstOfA = handler.hold(1);
    // Chat A: 1, 3, 5; chat B: 2, 4, 6. A's first update is held.
    await dispatcher.accept(botId, [textUpdate(1, 100), textUpdate(2, 200), textUpdate(3, 100)]);
    await dispatcher.accept(botId, [textUpdate(4, 200), textUpdate(5, 100), textUpdate(6, 200)]);
    await handler.waitForHandled(3);
    expect(handler.handledIds()).toEqual([2, 4, 6]);
    expect(handler.calls.map((c) => c.updateId)).not.toContain(3);
    releaseFirstOfA();
    await handler.waitForHandled(6);
    expect(handler.handledIds().filter((id) => id % 2 === 1)).toEqual([1, 3, 5]);
    await dispatcher.stop();
  });

  /** The pending rows of a bot, by update id, once every done mark so far is written. */
  async function pendingIds(inbox: Inbox, dispatcher: Dispatcher, botId: number): Promise<number[]> {
    await dispatcher.flush();
    return (await inbox.pending()).filter((row) => row.botId === botId).map((row) => row.update.update_id);
  }
  /** Lets every continuation of what happened so far run (a turn of the event loop, not a wait for time). */
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it("begins a chat's next update while the last one's replies are on their way, one update ahead at most, and marks a chat's rows done in order", async () => {
    const { botId, inbox, dispatcher } = await setUp({ concurrency: 2 });
    const handler = new RecordingHandler();
    await dispatcher.start(handler);
    const [sendFirst, sendSecond] = [1, 2].map((id) => handler.holdSending(id));
    await dispatcher.accept(botId, [textUpdate(1, 100), textUpdate(2, 100), textUpdate(3, 100)]);
    await handler.started(2);
    await settle();
    // The third waits for the first's replies, and nothing of the chat is done before its replies are through.
    expect(handler.calls.map((call) => call.updateId)).toEqual([1, 2]);
    expect(await pendingIds(inbox, dispatcher, botId)).toEqual([1, 2, 3]);
    sendFirst!();
    await handler.waitForHandled(2);
    expect(handler.handledIds()).toEqual([1, 3]);
    // The third is handled, but marked done only after the second, whose replies are still on their way.
    expect(await pendingIds(inbox, dispatcher, botId)).toEqual([2, 3]);
    sendSecond!();
    await handler.waitForHandled(3);
    await dispatcher.stop();
    expect(await inbox.counts(botId)).toEqual({ done: 3 });
  });

  it("gives a released row's slot back; past `concurrency` released rows, a row keeps its slot until its calls are through", async () => {
    const { botId, inbox, dispatcher } = await setUp({ concurrency: 2 });
    const handler = new RecordingHandler();
    await dispatcher.start(handler);
    const sends = [1, 2, 3].map((id) => handler.holdSending(id));
    const releaseFourth = handler.hold(4);
    await dispatcher.accept(botId, [textUpdate(1, 1), textUpdate(2, 2), textUpdate(3, 3), textUpdate(4, 4), textUpdate(5, 5)]);
    // The first two were released, so the third and fourth took their slots; the third, past
    // the two released, keeps its slot: the fifth waits.
    await Promise.all([3, 4].map((id) => handler.started(id)));
    await settle();
    expect(handler.calls.map((call) => call.updateId)).toEqual([1, 2, 3, 4]);
    sends[0]!();
    await handler.waitForHandled(1);
    await settle();
    expect(handler.calls.map((call) => call.updateId)).toEqual([1, 2, 3, 4]);
    sends[2]!();
    await handler.started(5);
    releaseFourth();
    sends[1]!();
    await handler.waitForHandled(5);
    await dispatcher.stop();
    expect(await inbox.counts(botId)).toEqual({ done: 5 });
  });

  it("waits, when it stops, for a row released while the others drain, and marks it done", async () => {
    const { botId, inbox, dispatcher } = await setUp();
    const handler = new RecordingHandler();
    await dispatcher.start(handler);
    const finishRun = handler.hold(1);
    const send = handler.holdSending(1);
    await dispatcher.accept(botId, [textUpdate(1, 100)]);
    await handler.started(1);
    let stopped = false;
    const stopping = dispatcher.stop().then(() => (stopped = true));
    finishRun();
    await settle();
    expect(stopped).toBe(false);
    send();
    await stopping;
    expect(await inbox.counts(botId)).toEqual({ done: 1 });
  });

  it("handles at most `concurrency` chats at once", async () => {
    const { botId, dispatcher } = await setUp({ concurrency: 2 });
    const handler = new RecordingHandler();
    await dispatcher.start(handler);
    const releases = [1, 2, 3].map((id) => handler.hold(id));
    await dispatcher.accept(botId, [textUpdate(1, 1), textUpdate(2, 2), textUpdate(3, 3)]);
    await Promise.all([handler.started(1), handler.started(2)]);
    expect(handler.calls.map((c) => c.updateId)).toEqual([1, 2]);
    releases[0]!();
    await handler.started(3);
    releases[1]!();
    releases[2]!();
    await handler.waitForHandled(3);
    await dispatcher.stop();
  });

  it("retries a rejected update with growing back-off before the chat's next update", async () => {
    const { botId, inbox, dispatcher, delays } = await setUp();
    const handler = new RecordingHandler();
    handler.fail(1, 2);
    await dispatcher.start(handler);
    await dispatcher.accept(botId, [textUpdate(1, 7), textUpdate(2, 7)]);
    await handler.waitForHandled(2);
    await dispatcher.stop();
    expect(handler.calls.map((c) => c.updateId)).toEqual([1, 1, 1, 2]);
    expect(handler.handledIds()).toEqual([1, 2]);
    expect(delays).toEqual([1000, 2000]);
    expect(await inbox.counts(botId)).toEqual({ done: 2 });
  });

  it("gives an update up after maxAttempts, marks it failed and goes on with the chat", async () => {
    const { botId, inbox, dispatcher } = await setUp({ maxAttempts: 3 });
    const handler = new RecordingHandler();
    handler.fail(1, 99);
    await dispatcher.start(handler);
    await dispatcher.accept(botId, [textUpdate(1, 7), textUpdate(2, 7)]);
    await handler.waitForHandled(1);
    await dispatcher.stop();
    expect(handler.calls.map((c) => c.updateId)).toEqual([1, 1, 1, 2]);
    expect(await inbox.counts(botId)).toEqual({ done: 1, failed: 1 });
    const failed = await t.platform.database.db.selectFrom("update_inbox").select(["update_id", "attempts"]).where("bot_id", "=", botId).where("status", "=", "failed").execute();
    expect(failed.map((row) => ({ ...row, update_id: Number(row.update_id) }))).toEqual([{ update_id: 1, attempts: 3 }]);
  });

  it("resumes the rows a crashed dispatcher left pending: each handled once, in order", async () => {
    const { botId, inbox } = await setUp();
    const crashed = new Dispatcher(inbox, silent);
    const before = new RecordingHandler();
    before.hold(2); // never released: the "process" dies while handling update 2
    await crashed.start(before);
    await crashed.accept(botId, [textUpdate(1, 5), textUpdate(2, 5), textUpdate(3, 5), textUpdate(4, 6)]);
    await before.started(2);
    await before.waitForHandled(2); // 1 (chat 5) and 4 (chat 6)
    await crashed.flush();
    expect(await inbox.counts(botId)).toEqual({ done: 2, pending: 2 });

    // A new process over the same database; meanwhile a new update arrives before it starts.
    const restarted = new Dispatcher(inbox, silent);
    await restarted.accept(botId, [textUpdate(5, 5)]);
    const after = new RecordingHandler();
    await restarted.start(after);
    await after.waitForHandled(3);
    await restarted.stop();
    expect(after.handledIds()).toEqual([2, 3, 5]);
    expect(await inbox.counts(botId)).toEqual({ done: 5 });
  });

  it("keeps handled rows for the redelivery window, then prunes them", async () => {
    const { botId, inbox, dispatcher } = await setUp();
    const handler = new RecordingHandler();
    await dispatcher.start(handler);
    await dispatcher.accept(botId, [textUpdate(1, 3)]);
    await handler.waitForHandled(1);
    await dispatcher.stop();
    await dispatcher.accept(botId, [textUpdate(2, 3)]); // stays pending: the dispatcher is stopped
    t.clock.advance(23 * 3_600_000);
    expect(await inbox.prune(24 * 3_600_000)).toBe(0);
    expect(await dispatcher.accept(botId, [textUpdate(1, 3)])).toBe(0);
    t.clock.advance(2 * 3_600_000);
    expect(await inbox.prune(24 * 3_600_000)).toBeGreaterThanOrEqual(1);
    expect(await inbox.counts(botId)).toEqual({ pending: 1 });
  });

  it("prunes exactly the finished rows received before the window, however the ids are spread", async () => {
    const { botId, inbox } = await setUp();
    // An hour apart each; some ids vanish on the way (pruned or deleted), so the bisection meets gaps.
    const rows = [];
    for (let update = 1; update <= 40; update++) {
      rows.push(...(await inbox.insert(botId, [textUpdate(update, 7)])));
      t.clock.advance(3_600_000);
    }
    const { db } = t.platform.database;
    await db.deleteFrom("update_inbox").where("id", "in", rows.filter((_, i) => i % 3 === 1).map((row) => row.id)).execute();
    const pendingIds = new Set([rows[0]!.id, rows[5]!.id]);
    await inbox.markDone(rows.filter((row) => !pendingIds.has(row.id)).map((row) => row.id));
    const left = async () => (await db.selectFrom("update_inbox").select("update_id").where("bot_id", "=", botId).orderBy("id").execute()).map((row) => Number(row.update_id));
    const present = rows.filter((_, i) => i % 3 !== 1).map((row) => row.update.update_id);
    // Update k came in 41 - k hours ago: kept for 24.5 h, the finished ones up to 16 go.
    await inbox.prune(41 * 3_600_000);
    expect(await left()).toEqual(present);
    await inbox.prune(24 * 3_600_000 + 1_800_000);
    expect(await left()).toEqual(present.filter((update) => update > 16 || update === 1 || update === 6));
  });

  it("sets aside an update whose handling took the process down again and again, and handles the rest", async () => {
    const { botId, inbox } = await setUp();
    const quarantined: number[] = [];
    await inbox.insert(botId, [textUpdate(1, 10), textUpdate(2, 20)]);
    // Each "process" begins handling update 1 and dies before it ends (its handle never returns).
    for (let life = 0; life < 3; life++) {
      const dying = new Dispatcher(inbox, silent, { quarantined: async (row) => void (row.botId === botId && quarantined.push(row.update.update_id)) });
      const handler = new RecordingHandler();
      handler.hold(1);
      handler.hold(2);
      await dying.start(handler);
      await handler.started(1);
      await handler.started(2);
    }
    expect(quarantined).toEqual([]);
    // Update 2 died with its process too, but on a later life it will be handled: let it end now.
    await t.platform.database.db.updateTable("update_inbox").set({ starts: 1 }).where("bot_id", "=", botId).where("update_id", "=", 2).execute();
    const next = new Dispatcher(inbox, silent, { quarantined: async (row) => void (row.botId === botId && quarantined.push(row.update.update_id)) });
    const handler = new RecordingHandler();
    await next.start(handler);
    await handler.waitForHandled(1);
    await next.stop();
    expect(quarantined).toEqual([1]);
    expect(handler.handledIds(botId)).toEqual([2]);
    expect(await inbox.counts(botId)).toEqual({ done: 1, failed: 1 });
  });

  it("counts an accepted update's first start in the commit that accepts it: once, whether or not it is handled before the process ends", async () => {
    const { botId, dispatcher } = await setUp();
    const startsOf = async (updateId: number) =>
      (await t.platform.database.db.selectFrom("update_inbox").select("starts").where("bot_id", "=", botId).where("update_id", "=", updateId).executeTakeFirstOrThrow()).starts;
    // Accepted before the dispatcher handles anything: should the process end now, it counts as begun.
    await dispatcher.accept(botId, [textUpdate(1, 10)]);
    expect(await startsOf(1)).toBe(1);
    const handler = new RecordingHandler();
    await dispatcher.start(handler);
    await dispatcher.accept(botId, [textUpdate(2, 10)]);
    await handler.waitForHandled(2);
    await dispatcher.stop();
    expect([await startsOf(1), await startsOf(2)]).toEqual([1, 1]);
  });

  it("waits out a retry's back-off without holding a slot", async () => {
    let wake!: () => void;
    const { botId, dispatcher } = await setUp({
      concurrency: 1,
      sleep: () => new Promise<boolean>((resolve) => (wake = () => resolve(true))),
    });
    const handler = new RecordingHandler();
    handler.fail(1, 1);
    await dispatcher.start(handler);
    await dispatcher.accept(botId, [textUpdate(1, 100), textUpdate(2, 200), textUpdate(3, 100)]);
    // With the only slot free during update 1's back-off, chat 200 goes on; chat 100 waits in order.
    await handler.waitForHandled(1);
    expect(handler.handledIds()).toEqual([2]);
    wake();
    await handler.waitForHandled(3);
    expect(handler.handledIds()).toEqual([2, 1, 3]);
    await dispatcher.stop();
  });

  it("handles an update whose owner cannot be read, its share uncounted", async () => {
    const { botId, inbox, dispatcher } = await setUp();
    const handler = new (class extends RecordingHandler {
      async ownerOf(): Promise<number | undefined> {
        throw new Error("the database is down");
      }
    })();
    await dispatcher.start(handler);
    await dispatcher.accept(botId, [textUpdate(1, 100), textUpdate(2, 100)]);
    await handler.waitForHandled(2);
    await dispatcher.stop();
    expect(handler.handledIds()).toEqual([1, 2]);
    expect(await inbox.counts(botId)).toEqual({ done: 2 });
  });

  it("keeps one owner's bots to half the slots, so another owner's update goes first", async () => {
    const { botId, dispatcher } = await setUp({ concurrency: 2 });
    const other = (await t.platform.bots.store.insert((await signUp(t.app)).id, { name: "Other" }))!;
    const owners = new Map([[botId, 1], [other.id, 2]]);
    const handler = new (class extends RecordingHandler {
      async ownerOf(id: number) {
        return owners.get(id);
      }
    })();
    const releaseFirst = handler.hold(1);
    await dispatcher.start(handler);
    await dispatcher.accept(botId, [textUpdate(1, 100), textUpdate(2, 200)]);
    await dispatcher.accept(other.id, [textUpdate(3, 300)]);
    await handler.started(1);
    // Owner 1 holds its share (one of two slots) with update 1: its second chat waits, owner 2's does not.
    await handler.waitForHandled(1);
    expect(handler.handledIds()).toEqual([3]);
    releaseFirst();
    await handler.waitForHandled(3);
    expect(handler.handledIds()).toEqual([3, 1, 2]);
    await dispatcher.stop();
  });

  /** Bots of `count` owners (the first is the suite's), and a handler that knows whose each is. */
  async function ownersHandler(botId: number, count: number) {
    const others = await Promise.all(Array.from({ length: count - 1 }, async () => (await t.platform.bots.store.insert((await signUp(t.app)).id, { name: "Other" }))!.id));
    const bots = [botId, ...others];
    const owners = new Map(bots.map((id, i) => [id, i + 1]));
    const handler = new (class extends RecordingHandler {
      async ownerOf(id: number) {
        return owners.get(id);
      }
    })();
    return { bots, handler };
  }

  it("starts the update of an owner holding no slot in an overflow slot when two owners hold every slot, one such slot per owner", async () => {
    const { botId, dispatcher } = await setUp({ concurrency: 4 });
    const { bots, handler } = await ownersHandler(botId, 4);
    const releases = [1, 2, 3, 5, 6, 7, 9].map((id) => handler.hold(id));
    await dispatcher.start(handler);
    await dispatcher.accept(bots[0]!, [1, 2, 3].map((id) => textUpdate(id, 100 + id)));
    await dispatcher.accept(bots[1]!, [5, 6, 7].map((id) => textUpdate(id, 200 + id)));
    await Promise.all([1, 2, 5, 6].map((id) => handler.started(id)));
    // Owner 3's first chat starts while every slot is held; its second waits for owner 3's slot, owner 4's does not.
    await dispatcher.accept(bots[2]!, [textUpdate(9, 300), textUpdate(10, 301)]);
    await dispatcher.accept(bots[3]!, [textUpdate(11, 400)]);
    await handler.waitForHandled(1);
    expect(handler.handledIds()).toEqual([11]);
    expect(handler.calls.map((call) => call.updateId).sort((a, b) => a - b)).toEqual([1, 2, 5, 6, 9, 11]);
    for (const release of releases) release();
    await handler.waitForHandled(9);
    await dispatcher.stop();
  });

  it("lets an owner's chat that waited only because every slot was held take a slot another owner gives back", async () => {
    const { botId, dispatcher } = await setUp({ concurrency: 4 });
    const { bots, handler } = await ownersHandler(botId, 3);
    const releases = [1, 2, 5, 6, 9].map((id) => handler.hold(id));
    await dispatcher.start(handler);
    await dispatcher.accept(bots[0]!, [1, 2].map((id) => textUpdate(id, 100 + id)));
    await dispatcher.accept(bots[1]!, [5, 6].map((id) => textUpdate(id, 200 + id)));
    await Promise.all([1, 2, 5, 6].map((id) => handler.started(id)));
    // Owner 3's first chat takes an overflow slot and holds it; its second waits.
    await dispatcher.accept(bots[2]!, [textUpdate(9, 300), textUpdate(10, 301)]);
    await handler.started(9);
    // Owner 1's first slot given back makes room only for the overflow slot in use; its second makes a slot free.
    releases[0]!();
    releases[1]!();
    await handler.waitForHandled(3);
    expect(handler.handledIds()).toEqual([1, 2, 10]);
    for (const release of releases) release();
    await handler.waitForHandled(6);
    await dispatcher.stop();
  });

  it("lets an owner's parked chat go before the owner's newer chats", async () => {
    const { botId, dispatcher } = await setUp({ concurrency: 3, overflowSlots: 0 });
    const { bots, handler } = await ownersHandler(botId, 3);
    const releases = [1, 2, 3, 5, 9].map((id) => handler.hold(id));
    await dispatcher.start(handler);
    // Owner 1 holds its share (one slot) with update 1; its chat of update 2 is parked.
    await dispatcher.accept(bots[0]!, [textUpdate(1, 101)]);
    await dispatcher.accept(bots[1]!, [textUpdate(5, 201)]);
    await Promise.all([1, 5].map((id) => handler.started(id)));
    await dispatcher.accept(bots[0]!, [textUpdate(2, 102)]);
    await dispatcher.accept(bots[2]!, [textUpdate(9, 301)]);
    await handler.started(9);
    // Every slot is held: owner 1's newer chat waits among the ready lanes, ahead of the slot owner 1 gives back.
    await dispatcher.accept(bots[0]!, [textUpdate(3, 103)]);
    releases[0]!();
    await handler.started(2);
    expect(handler.calls.filter((call) => call.botId === bots[0]).map((call) => call.updateId)).toEqual([1, 2]);
    for (const release of releases) release();
    await handler.waitForHandled(5);
    expect(handler.calls.filter((call) => call.botId === bots[0]).map((call) => call.updateId)).toEqual([1, 2, 3]);
    await dispatcher.stop();
  });

  it("counts an owner's slots by the owner it last read when the owner cannot be read again, so the owner's parked chats go on", async () => {
    const { botId, dispatcher } = await setUp({ concurrency: 2, overflowSlots: 0 });
    let failing = false;
    const handler = new (class extends RecordingHandler {
      async ownerOf() {
        if (failing) throw new Error("the database is down");
        return 1;
      }
    })();
    const release = handler.hold(1);
    await dispatcher.start(handler);
    await dispatcher.accept(botId, [textUpdate(1, 100)]);
    await handler.started(1);
    // Owner 1 holds its share: both chats park, then its owner can no longer be read.
    await dispatcher.accept(botId, [textUpdate(2, 101), textUpdate(3, 102)]);
    // Their owner is read within this turn of the event loop (an answer from memory), and they park.
    await new Promise((resolve) => setImmediate(resolve));
    failing = true;
    release();
    await handler.waitForHandled(3);
    expect(handler.handledIds()).toEqual([1, 2, 3]);
    await dispatcher.stop();
  });

  it("gives a slot one owner gives back to another owner's waiting update, when two owners hold every slot", async () => {
    const { botId, dispatcher } = await setUp({ concurrency: 4, overflowSlots: 0 });
    const { bots, handler } = await ownersHandler(botId, 3);
    // Owners 1 and 2 each hold their share (two of four slots) with work that does not end, and have more chats waiting.
    const releases = new Map([1, 2, 3, 4, 5, 6, 7, 8].map((id) => [id, handler.hold(id)]));
    await dispatcher.start(handler);
    await dispatcher.accept(bots[0]!, [1, 2, 3, 4].map((id) => textUpdate(id, 100 + id)));
    await dispatcher.accept(bots[1]!, [5, 6, 7, 8].map((id) => textUpdate(id, 200 + id)));
    await Promise.all([1, 2, 5, 6].map((id) => handler.started(id)));
    await dispatcher.accept(bots[2]!, [textUpdate(9, 300)]);
    releases.get(1)!();
    await handler.waitForHandled(2);
    expect(handler.handledIds()).toEqual([1, 9]);
    // Owner 1's own chats still go in the order they came.
    for (const release of releases.values()) release();
    await handler.waitForHandled(9);
    expect(handler.calls.filter((call) => call.botId === bots[0]).map((call) => call.updateId)).toEqual([1, 2, 3, 4]);
    await dispatcher.stop();
  });
});
