import type { Redis } from "ioredis";

/**
 * One Redis pub/sub channel that every process hears, on a subscriber connection of its own
 * (a subscribed connection can do nothing else). Pub/sub delivers only to who is connected:
 * `onResubscribed` is told when the subscriber is back after losing its connection, for a
 * listener that must assume it missed messages.
 */
export class RedisChannel {
  private constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    readonly name: string,
  ) {}

  /** Subscribes before answering, so no message published after that is missed. */
  static async open(redis: Redis, name: string, hear: (message: string) => void, onResubscribed?: () => void): Promise<RedisChannel> {
    const subscriber = redis.duplicate();
    await subscriber.subscribe(name);
    subscriber.on("message", (_channel: string, message: string) => hear(message));
    // ioredis subscribes again on reconnect; what was published meanwhile is lost.
    let connected = true;
    subscriber.on("close", () => (connected = false));
    subscriber.on("ready", () => {
      if (connected) return;
      connected = true;
      onResubscribed?.();
    });
    return new RedisChannel(redis, subscriber, name);
  }

  async publish(message: string): Promise<void> {
    await this.redis.publish(this.name, message);
  }

  close(): void {
    this.subscriber.disconnect();
  }
}
