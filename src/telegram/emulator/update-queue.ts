import type { Update } from "@grammyjs/types";

/** An update before the queue numbers it. */
export type UpdateContent = Omit<Update, "update_id">;

/** Telegram leaves these out unless `allowed_updates` names them. */
const OPT_IN = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

/**
 * One bot's pending updates, numbered by increasing `update_id`. Updates stay until the bot
 * confirms them (getUpdates with a higher offset) or its webhook accepts them.
 */
export class UpdateQueue {
  private items: Update[] = [];
  private allowed: ReadonlySet<string> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private nextId = 1) {}

  /** The pending updates, oldest first. */
  get pending(): readonly Update[] {
    return this.items;
  }

  /** Queues an update unless `allowed_updates` filters its kind out; tells the listeners. */
  push(content: UpdateContent): Update | undefined {
    const kind = Object.keys(content)[0]!;
    if (this.allowed ? !this.allowed.has(kind) : OPT_IN.has(kind)) return undefined;
    const update = { update_id: this.nextId++, ...content } as Update;
    this.items.push(update);
    for (const listener of this.listeners) listener();
    return update;
  }

  /** Telegram's `allowed_updates`: undefined keeps the setting, [] restores the default. */
  allow(kinds: string[] | undefined): void {
    if (kinds) this.allowed = kinds.length ? new Set(kinds) : undefined;
  }

  /** getUpdates' `offset`: forgets updates below it; a negative one keeps only the last -offset. */
  confirm(offset: number): void {
    if (offset < 0) this.items = this.items.slice(offset);
    else if (offset > 0) this.items = this.items.filter((update) => update.update_id >= offset);
  }

  /** Forgets one update (its webhook delivery succeeded). */
  remove(update: Update): void {
    const index = this.items.indexOf(update);
    if (index >= 0) this.items.splice(index, 1);
  }

  /** Forgets every pending update (`drop_pending_updates`). */
  clear(): void {
    this.items = [];
  }

  /** Calls `listener` on each new update; returns the unsubscribe function. */
  onPush(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
