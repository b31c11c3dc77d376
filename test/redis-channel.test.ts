import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { RedisChannel } from "../src/redis-channel.js";
import { redisUrl } from "./support/redis.js";

describe("a Redis channel", () => {
  // A name of its own: the test drops only its subscribers, never those of tests running beside it.
  const connectionName = `botyard-test-${randomUUID()}`;
  const redis = new Redis(redisUrl(), { connectionName });
  afterAll(() => redis.quit());

  it("reaches every process that opened it, and says when a lost subscriber is back, hearing again", async () => {
    const name = `botyard-test-${randomUUID()}`;
    const heard: string[][] = [[], []];
    const resubscribed = [0, 0];
    const channels = await Promise.all(heard.map((list, i) => RedisChannel.open(redis, name, (message) => list.push(message), () => resubscribed[i]!++)));
    try {
      await channels[0]!.publish("one");
      await vi.waitFor(() => expect(heard).toEqual([["one"], ["one"]]));
      expect(resubscribed).toEqual([0, 0]);

      // The server drops the subscriber connections, as on a failover or a network cut.
      const clients = String(await redis.client("LIST")).split("\n");
      const subscribers = clients.filter((line) => line.includes(` name=${connectionName} `) && / sub=[1-9]/.test(line));
      expect(subscribers).toHaveLength(2);
      for (const line of subscribers) await redis.client("KILL", "ID", /id=(\d+)/.exec(line)![1]!);
      await vi.waitFor(() => expect(resubscribed).toEqual([1, 1]), { timeout: 10_000, interval: 20 });
      await channels[1]!.publish("two");
      await vi.waitFor(() => expect(heard).toEqual([["one", "two"], ["one", "two"]]));
    } finally {
      channels.forEach((channel) => channel.close());
    }
  });
});
