import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { LocalRunAnswers, RedisRunAnswers } from "../../src/runtime/run-answers.js";
import { redisUrl } from "../support/redis.js";

const rendered = { content: '{"balance":42}', mime: "application/json" };

describe("a run's answer, in one process", () => {
  it("reaches the caller waiting on its id, and no one else", async () => {
    const answers = new LocalRunAnswers();
    const one = answers.expect(60_000);
    const other = answers.expect(60_000);
    await answers.publish(one.id, { rendered });
    expect(await one.answer).toEqual({ rendered });
    other.cancel();
    expect(await other.answer).toBeUndefined();
    // An answer nobody waits for (any more) goes nowhere.
    await answers.publish(one.id, { failed: true });
  });

  it("is undefined once the wait is up", async () => {
    const waiter = new LocalRunAnswers().expect(1);
    expect(await waiter.answer).toBeUndefined();
  });
});

describe("a run's answer, across processes (Redis)", () => {
  const redis = new Redis(redisUrl());
  const prefix = `botyard-test-${randomUUID()}`;
  afterAll(() => redis.quit());

  it("reaches the caller in another process; a message that is not one of ours is ignored", async () => {
    const api = await RedisRunAnswers.open(redis, prefix);
    const worker = await RedisRunAnswers.open(redis, prefix);
    const waiter = api.expect(60_000);
    await redis.publish(`${prefix}:run-answers`, "not json");
    await redis.publish(`${prefix}:run-answers`, JSON.stringify({ id: 7 }));
    await worker.publish(waiter.id, { rendered });
    expect(await waiter.answer).toEqual({ rendered });
    await Promise.all([api.close(), worker.close()]);
  });
});
