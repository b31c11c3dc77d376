import type { Update } from "@grammyjs/types";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ALLOWED_UPDATES } from "../../../src/runtime/intake/allowed-updates.js";
import type { UpdateIntake } from "../../../src/runtime/intake/dispatcher.js";
import { PollingLoop } from "../../../src/runtime/intake/polling.js";
import { BotApi } from "../../../src/telegram/bot-api.js";
import { startEmulator, type BotHandle, type RunningEmulator } from "../../../src/telegram/emulator/index.js";

/** An intake that records batches and can refuse the next few (a database outage). */
class RecordingIntake implements UpdateIntake {
  readonly batches: number[][] = [];
  refusals = 0;
  private waiter?: { count: number; resolve: () => void };

  async accept(_botId: number, updates: readonly Update[]): Promise<number> {
    if (this.refusals > 0) {
      this.refusals--;
      throw new Error("database unavailable");
    }
    this.batches.push(updates.map((u) => u.update_id));
    if (this.waiter && this.ids().length >= this.waiter.count) this.waiter.resolve();
    return updates.length;
  }

  ids(): number[] {
    return this.batches.flat();
  }

  waitFor(count: number): Promise<void> {
    if (this.ids().length >= count) return Promise.resolve();
    return new Promise((resolve) => (this.waiter = { count, resolve }));
  }
}

describe("a polling loop against the emulator", () => {
  let emulator: RunningEmulator;
  const loops: PollingLoop[] = [];
  beforeAll(async () => {
    emulator = await startEmulator({ limits: { enabled: false } });
  });
  afterAll(async () => {
    await Promise.all(loops.map((loop) => loop.stop()));
    await emulator.close();
  });

  function poll(bot: BotHandle, intake: UpdateIntake, onRevoked: (reason: string) => Promise<void> = async () => {}) {
    const delays: number[] = [];
    const loop = new PollingLoop(
      1,
      bot.token,
      intake,
      pino({ level: "silent" }),
      {
        apiRoot: emulator.apiRoot,
        timeoutS: 25,
        allowedUpdates: ALLOWED_UPDATES,
        retryDelayMs: (failures) => failures * 100,
        sleep: async (ms) => {
          delays.push(ms);
          return true;
        },
      },
      onRevoked,
    );
    loops.push(loop);
    loop.start();
    return { loop, delays };
  }

  async function chatWith(bot: BotHandle) {
    const user = await emulator.client.createUser({ first_name: "Poller" });
    return { user, chat: await user.privateChat(bot) };
  }

  const pendingAt = (bot: BotHandle) => emulator.emulator.world.bots.get(bot.token)!.updates.pending.length;

  it("records each batch before confirming it, and stops at once, mid long poll", async () => {
    const bot = await emulator.client.registerBot();
    const intake = new RecordingIntake();
    const { loop } = poll(bot, intake);
    const { user, chat } = await chatWith(bot);
    await user.sendText(chat, "one");
    await intake.waitFor(1);
    await user.sendText(chat, "two");
    await intake.waitFor(2);
    expect(intake.ids()).toEqual([1, 2]);

    const started = performance.now();
    await loop.stop(); // the loop is waiting in a 25 s getUpdates
    expect(performance.now() - started).toBeLessThan(1000);
    await user.sendText(chat, "after stop");
    // Update 2 was recorded but only a next getUpdates confirms it: Telegram still holds it.
    expect(pendingAt(bot)).toBe(2);
    expect(intake.ids()).toEqual([1, 2]);
  });

  it("asks Telegram for every update kind a bot needs, chat_member included", async () => {
    const bot = await emulator.client.registerBot();
    const intake = new RecordingIntake();
    poll(bot, intake);
    const { user, chat } = await chatWith(bot);
    await user.sendText(chat, "hello");
    await intake.waitFor(1);
    // The emulator keeps what allowed_updates said; an opt-in kind passes only when named.
    const queue = emulator.emulator.world.bots.get(bot.token)!.updates;
    expect(queue.push({ chat_member: {} } as never)).toBeDefined();
  });

  it("does not confirm a batch the inbox refused: the same updates come again", async () => {
    const bot = await emulator.client.registerBot();
    const intake = new RecordingIntake();
    intake.refusals = 2;
    const { user, chat } = await chatWith(bot);
    await user.sendText(chat, "one");
    await user.sendText(chat, "two");
    const { delays } = poll(bot, intake);
    await intake.waitFor(2);
    expect(intake.ids()).toEqual([1, 2]);
    expect(delays).toEqual([100, 200]);
  });

  it("waits Telegram's retry_after on 429, and backs off on server errors", async () => {
    const bot = await emulator.client.registerBot();
    // Faults are used up in order: a 429, then two 500s, then the update comes through.
    await emulator.client.injectFault({ method: "getUpdates", kind: 429, retryAfter: 7 });
    await emulator.client.injectFault({ method: "getUpdates", kind: 500, count: 2 });
    const intake = new RecordingIntake();
    const { user, chat } = await chatWith(bot);
    await user.sendText(chat, "x");
    const { delays } = poll(bot, intake);
    await intake.waitFor(1);
    expect(delays).toEqual([7000, 200, 300]);
  });

  it("holds more bots' polls at once than calls have connections, and other calls still go out", async () => {
    // Calls share 256 connections (post-json.ts); 300 polls held at once need their own.
    const bots = Array.from({ length: 300 }, () => emulator.control.registerBot({}));
    const intake = new RecordingIntake();
    for (const bot of bots) poll({ token: bot.token } as BotHandle, intake);
    const accounts = bots.map((bot) => emulator.emulator.world.bots.get(bot.token)!);
    await vi.waitFor(() => expect(accounts.filter((account) => emulator.emulator.polling.isWaiting(account))).toHaveLength(300), { timeout: 20_000, interval: 50 });
    const me = await new BotApi(bots[0]!.token, { apiRoot: emulator.apiRoot, timeoutMs: 2000 }).call("getMe");
    expect(me.id).toBe(bots[0]!.user.id);
  });

  it("ends and reports Telegram's reason when the token is revoked", async () => {
    const bot = await emulator.client.registerBot();
    emulator.emulator.world.bots.delete(bot.token);
    const reason = await new Promise<string>((resolve) => poll(bot, new RecordingIntake(), async (why) => resolve(why)));
    expect(reason).toBe("Unauthorized");
  });
});
