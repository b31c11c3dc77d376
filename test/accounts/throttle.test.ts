import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisAttemptLimiter } from "../../src/accounts/attempt-limiter.js";
import { usePlatform } from "../support/platform.js";
import { PASSWORD, signUp, uniqueEmail } from "../support/accounts.js";
import { redisUrl } from "../support/redis.js";

describe("brute-force protection", () => {
  const t = usePlatform("sqlite", { AUTH_LIMIT_PER_EMAIL: "3", AUTH_LIMIT_PER_IP: "6", AUTH_LIMIT_WINDOW_S: "60" });
  const signIn = (email: string, ip: string) =>
    t.app.inject({ method: "POST", url: "/v2/auth/sign_in", payload: { email, password: "guess guess" }, remoteAddress: ip });

  it("limits sign-in per email, with Retry-After, until the window passes", async () => {
    const { email } = await signUp(t.app);
    for (let i = 0; i < 3; i++) expect((await signIn(email, `10.0.0.${i + 1}`)).statusCode).toBe(401);
    const refused = await signIn(email, "10.0.0.9");
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({ error: expect.stringMatching(/^Too many attempts/) });
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(60);
    // Even the right password waits: the limit is on attempts, not failures.
    const right = await t.app.inject({ method: "POST", url: "/v2/auth/sign_in", payload: { email, password: PASSWORD }, remoteAddress: "10.0.0.10" });
    expect(right.statusCode).toBe(429);
    t.clock.advance(60_001);
    expect((await signIn(email, "10.0.0.11")).statusCode).toBe(401);
  });

  it("limits sign-in, sign-up and password reset per IP", async () => {
    const ip = "192.0.2.77";
    for (let i = 0; i < 6; i++) expect((await signIn(uniqueEmail(), ip)).statusCode).toBe(401);
    expect((await signIn(uniqueEmail(), ip)).statusCode).toBe(429);
    const other = "192.0.2.78";
    for (let i = 0; i < 6; i++) {
      const r = await t.app.inject({ method: "POST", url: "/v2/user/reset_password", payload: { email: uniqueEmail() }, remoteAddress: other });
      expect(r.statusCode).toBe(200);
    }
    const reset = await t.app.inject({ method: "POST", url: "/v2/user/reset_password", payload: { email: uniqueEmail() }, remoteAddress: other });
    expect(reset.statusCode).toBe(429);
    const third = "192.0.2.79";
    for (let i = 0; i < 6; i++) {
      const r = await t.app.inject({ method: "POST", url: "/v2/auth", payload: { email: uniqueEmail(), password: "x" }, remoteAddress: third });
      expect(r.statusCode).toBe(422);
    }
    const signUpRefused = await t.app.inject({ method: "POST", url: "/v2/auth", payload: { email: uniqueEmail(), password: PASSWORD }, remoteAddress: third });
    expect(signUpRefused.statusCode).toBe(429);
  });
});

describe("the Redis attempt limiter", () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(redisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
  });
  afterAll(() => redis.quit());

  it("shares counts between processes and expires them with the window", async () => {
    const prefix = `botyard:test:${Math.random().toString(36).slice(2)}:`;
    const a = new RedisAttemptLimiter(redis, prefix);
    const b = new RedisAttemptLimiter(redis, prefix);
    expect((await a.hit("k", 2, 1)).allowed).toBe(true);
    expect((await b.hit("k", 2, 1)).allowed).toBe(true);
    const third = await a.hit("k", 2, 1);
    expect(third).toEqual({ allowed: false, retryAfterS: 1 });
    const ttl = await redis.pttl(`${prefix}k`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
    await redis.del(`${prefix}k`);
    expect((await b.hit("k", 2, 1)).allowed).toBe(true);
  });
});
