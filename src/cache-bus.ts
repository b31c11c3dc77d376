import type { Redis } from "ioredis";

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
  private readonly local = new LocalCacheBus();
  private readonly subscriber: Redis;
  private readonly channel: string;

  private constructor(private readonly redis: Redis, prefix: string) {
    this.channel = `${prefix}:cache`;
    this.subscriber = redis.duplicate();
  }

  /** Subscribes before answering, so no change published after that is missed. */
  static async open(redis: Redis, prefix: string): Promise<RedisCacheBus> {
    const bus = new RedisCacheBus(redis, prefix);
    await bus.subscriber.subscribe(bus.channel);
    bus.subscriber.on("message", (_channel: string, message: string) => {
      const [kind, id] = message.split(":");
      if ((KINDS as readonly string[]).includes(kind!)) bus.local.tell(kind as CachedKind, Number(id));
    });
    // ioredis subscribes again on reconnect; what was published meanwhile is lost.
    let connected = true;
    bus.subscriber.on("close", () => (connected = false));
    bus.subscriber.on("ready", () => {
      if (connected) return;
      connected = true;
      for (const kind of KINDS) bus.local.tell(kind, undefined);
    });
    return bus;
  }

  async changed(kind: CachedKind, id: number): Promise<void> {
    await this.redis.publish(this.channel, `${kind}:${id}`);
  }

  onStale(kind: CachedKind, listener: StaleListener): void {
    this.local.onStale(kind, listener);
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
  }
}
