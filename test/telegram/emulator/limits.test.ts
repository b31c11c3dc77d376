import { describe, expect, it } from "vitest";
import { RateLimiter, telegramLimits } from "../../../src/telegram/emulator/limits.js";
import { FakeClock } from "../../support/fake-clock.js";
import { scene, telegramError } from "./harness.js";

describe("flood limits (fake clock, no sleeping)", () => {
  it("lets a private chat burst, then about 1 message/s, with an honest retry_after", async () => {
    const clock = new FakeClock();
    const { api, alice, emulator } = await scene({ clock, limits: { enabled: true } });
    const send = () => api("sendMessage", { chat_id: alice.id, text: "x" });
    for (let i = 0; i < telegramLimits.privateChatBurst; i++) expect((await send()).status).toBe(200);
    const refused = await send();
    expect(refused).toEqual({
      status: 429,
      body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } },
    });
    clock.advance(999);
    expect((await send()).status).toBe(429);
    clock.advance(1);
    expect((await send()).status).toBe(200);
    expect((await emulator.client.counters()).tooManyRequests).toBe(2);
  });

  it("refuses more than 30 messages/s per bot over all chats", async () => {
    const clock = new FakeClock();
    const { api, emulator, bot } = await scene({ clock, limits: { enabled: true } });
    const users = await Promise.all(Array.from({ length: 31 }, (_, i) => emulator.client.createUser({ first_name: `U${i}` })));
    await Promise.all(users.map((user) => user.privateChat(bot)));
    for (const user of users.slice(0, 30)) expect((await api("sendMessage", { chat_id: user.id, text: "x" })).status).toBe(200);
    const refused = await api("sendMessage", { chat_id: users[30]!.id, text: "x" });
    expect(refused.status).toBe(429);
    expect(refused.body.parameters).toEqual({ retry_after: 1 });
    clock.advance(34); // one slot refills every 33.3 ms
    expect((await api("sendMessage", { chat_id: users[30]!.id, text: "x" })).status).toBe(200);
  });

  it("refuses more than 20 messages/min to a group; retry_after counts the seconds to the next slot", async () => {
    const clock = new FakeClock();
    const { api, emulator, alice, bot } = await scene({ clock, limits: { enabled: true } });
    const group = await emulator.client.createGroup({ title: "G", members: [alice, bot] });
    const send = () => api("sendMessage", { chat_id: group.id, text: "x" });
    for (let i = 0; i < 20; i++) {
      clock.advance(100); // 10/s: under the bot's limit, over the group's
      expect((await send()).status).toBe(200);
    }
    const refused = await send();
    // A slot refills every 3 s; 1.9 s after the first send 0.63 of one is back: 1.1 s to go.
    expect(refused).toEqual(telegramErrorWithRetry(2));
    clock.advance(2000);
    expect((await send()).status).toBe(200);
    expect((await send()).body.parameters?.retry_after).toBe(3);
  });

  it("counts only sends that went through, and can be switched off", () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ ...telegramLimits }, clock);
    const to = { botId: 1, chatId: 2, isPrivate: true };
    expect([1, 2, 3, 4, 5].map(() => limiter.acquire(to))).toEqual([0, 0, 0, 1, 1]);
    clock.advance(1000);
    expect(limiter.acquire(to)).toBe(0); // the refusals took nothing
    const off = new RateLimiter({ ...telegramLimits, enabled: false }, clock);
    expect(Array.from({ length: 100 }, () => off.acquire(to)).every((wait) => wait === 0)).toBe(true);
  });
});

function telegramErrorWithRetry(retryAfter: number) {
  const error = telegramError(429, `Too Many Requests: retry after ${retryAfter}`);
  return { ...error, body: { ...error.body, parameters: { retry_after: retryAfter } } };
}
