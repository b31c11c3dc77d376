import type { Update } from "@grammyjs/types";
import type { Delivery } from "../../../src/runtime/run-journal.js";
import type { UpdateHandler } from "../../../src/runtime/update-handler.js";

/** An UpdateHandler for intake tests: records what it handles, and can hold or fail updates. */
export class RecordingHandler implements UpdateHandler {
  /** Every call, in the order calls started. */
  readonly calls: { botId: number; updateId: number }[] = [];
  /** Updates whose `handle` resolved, in order, with what `probe` saw as each one's handling began. */
  readonly handled: { botId: number; updateId: number; probed?: unknown }[] = [];
  private readonly gates = new Map<number, Promise<void>>();
  private readonly sendingGates = new Map<number, Promise<void>>();
  private readonly failures = new Map<number, number>();
  private readonly waiters: { count: number; resolve: () => void }[] = [];
  private readonly startWaiters = new Map<number, () => void>();

  /** `probe` looks at the world as each update is handled (e.g. the bot's status). */
  constructor(private readonly probe?: (botId: number) => Promise<unknown>) {}

  async handle(botId: number, update: Update, delivery?: Delivery): Promise<void> {
    this.calls.push({ botId, updateId: update.update_id });
    const probed = await this.probe?.(botId);
    this.startWaiters.get(update.update_id)?.();
    await this.gates.get(update.update_id);
    const left = this.failures.get(update.update_id) ?? 0;
    if (left > 0) {
      this.failures.set(update.update_id, left - 1);
      throw new Error(`update ${update.update_id} fails on purpose`);
    }
    const sending = this.sendingGates.get(update.update_id);
    if (sending) {
      delivery?.released?.();
      await sending;
    }
    this.handled.push({ botId, updateId: update.update_id, probed });
    for (const waiter of this.waiters.filter((w) => this.handled.length >= w.count)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  /** Resolves once `count` updates in all have been handled. */
  waitForHandled(count: number): Promise<void> {
    if (this.handled.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Resolves when handling of the update starts. */
  started(updateId: number): Promise<void> {
    if (this.calls.some((call) => call.updateId === updateId)) return Promise.resolve();
    return new Promise((resolve) => this.startWaiters.set(updateId, resolve));
  }

  /** Holds the update's `handle` until the returned function is called. */
  hold(updateId: number): () => void {
    let release!: () => void;
    this.gates.set(updateId, new Promise((resolve) => (release = resolve)));
    return release;
  }

  /**
   * Makes the update's handling release its lane (as a run whose replies are on their way
   * does) and end only when the returned function is called.
   */
  holdSending(updateId: number): () => void {
    let release!: () => void;
    this.sendingGates.set(updateId, new Promise((resolve) => (release = resolve)));
    return release;
  }

  /** Makes the update's next `times` attempts reject. */
  fail(updateId: number, times: number): void {
    this.failures.set(updateId, times);
  }

  /** The handled update ids of one bot, in order. */
  handledIds(botId?: number): number[] {
    return this.handled.filter((h) => botId === undefined || h.botId === botId).map((h) => h.updateId);
  }
}

/** A private-chat text message update. */
export function textUpdate(updateId: number, chatId: number, text = `message ${updateId}`): Update {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 1_768_478_400,
      chat: { id: chatId, type: "private", first_name: `User ${chatId}` },
      from: { id: chatId, is_bot: false, first_name: `User ${chatId}` },
      text,
    },
  } as Update;
}
