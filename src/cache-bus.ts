import type { Redis } from "ioredis";
import { RedisChannel } from "./redis-channel.js";

/** What a process caches that another process may change: bot rows (with their commands_version), owner rows. */
export type CachedKind = "bot" | "owner";

/** Told an id whose cached copy is stale, or undefined: anything cached of that kind may be (changes may have been missed). */
export type StaleListener = (id: number | undefined) => void;

/**
 * How a write tells every process that caches the row to drop its copy. The writer drops its
 * own copy itself (read-your-writes must not wait for a round trip); `changed` tells the rest,
 * and may tell the writer again, which is harmless.
 */
export interface CacheBus {
  changed(kind: CachedKind, id: number): Promise<void>;
  onStale(kind: CachedKind, listener: StaleListener): void;
  close(): Promise<void>;
}

/** One process: the writer is the only cache there is, so listeners are told at once. */
export class LocalCacheBus implements CacheBus {
  private readonly listeners = new Map<CachedKind, StaleListener[]>();

  async changed(kind: CachedKind, id: number): Promise<void> {
    this.tell(kind, id);
  }

  onStale(kind: CachedKind, listener: StaleListener): void {
    this.listeners.set(kind, [...(this.listeners.get(kind) ?? []), listener]);
  }

  /** Tells the kind's listeners (also RedisCacheBus's way in). */
  tell(kind: CachedKind, id: number | undefined): void {
    for (const listener of this.listeners.get(kind) ?? []) listener(id);
  }

  async close(): Promise<void> {}
}

const KINDS: readonly CachedKind[] = ["bot", "owner"];

/**
 * Several processes: changes go out on one Redis pub/sub channel (`<prefix>:cache`, messages
 * `<kind>:<id>`) that every process subscribes to. Pub/sub delivers only to who is connected,
 * so after its subscriber reconnects a process drops everything it cached.
 */
export class RedisCacheBus implements CacheBus {
  private constructor(
    private readonly local: LocalCacheBus,
    private readonly channel: RedisChannel,
  ) {}

  static async open(redis: Redis, prefix: string): Promise<RedisCacheBus> {
    const local = new LocalCacheBus();
    const channel = await RedisChannel.open(
      redis,
      `${prefix}:cache`,
      (message) => {
        const [kind, id] = message.split(":");
        if ((KINDS as readonly string[]).includes(kind!)) local.tell(kind as CachedKind, Number(id));
      },
      () => KINDS.forEach((kind) => local.tell(kind, undefined)),
    );
    return new RedisCacheBus(local, channel);
  }

  async changed(kind: CachedKind, id: number): Promise<void> {
    await this.channel.publish(`${kind}:${id}`);
  }

  onStale(kind: CachedKind, listener: StaleListener): void {
    this.local.onStale(kind, listener);
  }

  async close(): Promise<void> {
    this.channel.close();
  }
}
