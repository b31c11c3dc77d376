import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { serveOnLoopback, type LoopbackServer } from "../../support/net.js";
import { scene } from "./harness.js";

/** A webhook receiver whose answer each test decides. */
async function receiver(handle: (update: any, req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string }> {
  const server = await serveOnLoopback((req, body, res) => handle(JSON.parse(body.toString()), req, res));
  servers.push(server);
  return { url: `${server.url}/hook` };
}

const servers: LoopbackServer[] = [];
afterEach(() => Promise.all(servers.splice(0).map((server) => server.close())));

const fastRetries = { webhook: { retryBaseMs: 20, retryMaxMs: 200 } };

describe("webhook delivery", () => {
  it("POSTs each update with the secret token header and forgets it once accepted", async () => {
    const { api, alice, chat } = await scene(fastRetries);
    const received: Array<{ text: string; secret: unknown }> = [];
    const { url } = await receiver((update, req, res) => {
      received.push({ text: update.message.text, secret: req.headers["x-telegram-bot-api-secret-token"] });
      res.end();
    });
    expect((await api("setWebhook", { url, secret_token: "s3cret" })).body).toEqual({ ok: true, result: true, description: "Webhook was set" });
    await alice.sendText(chat, "hello");
    await expect.poll(() => received).toEqual([{ text: "hello", secret: "s3cret" }]);
    await expect.poll(async () => (await api("getWebhookInfo")).body.result.pending_update_count).toBe(0);
    expect((await api("getWebhookInfo")).body.result).toMatchObject({ url, has_custom_certificate: false, max_connections: 40 });
  });

  it("retries a failing receiver with growing back-off and reports the error", async () => {
    const { api, alice, chat, emulator } = await scene(fastRetries);
    const attempts: number[] = [];
    const { url } = await receiver((_update, _req, res) => {
      attempts.push(performance.now());
      res.statusCode = attempts.length <= 3 ? 500 : 200;
      res.end();
    });
    await api("setWebhook", { url });
    await alice.sendText(chat, "retry me");
    await expect.poll(() => attempts.length).toBe(4);
    const gaps = attempts.slice(1).map((at, i) => at - attempts[i]!);
    // Back-off 20, 40, 80 ms: timers never fire early, so the lower bounds are exact.
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
    const info = (await api("getWebhookInfo")).body.result;
    expect(info.last_error_message).toBe("Wrong response from the webhook: 500 Internal Server Error");
    expect(info.last_error_date).toEqual(expect.any(Number));
    await expect.poll(async () => (await emulator.client.counters()).webhookDeliveries).toBe(1);
    expect((await emulator.client.counters()).webhookFailures).toBe(3);
  });

  it("keeps one update in flight per chat, in order, while other chats go in parallel", async () => {
    const { api, alice, chat, bot, emulator } = await scene(fastRetries);
    const bob = await emulator.client.createUser({ first_name: "Bob" });
    const bobChat = await bob.privateChat(bot);
    const log: string[] = [];
    const inFlight = new Map<number, number>();
    let maxPerChat = 0;
    const held: Array<() => void> = [];
    const { url } = await receiver((update, _req, res) => {
      const chatId = update.message.chat.id;
      inFlight.set(chatId, (inFlight.get(chatId) ?? 0) + 1);
      maxPerChat = Math.max(maxPerChat, inFlight.get(chatId)!);
      log.push(update.message.text);
      const finish = () => {
        inFlight.set(chatId, inFlight.get(chatId)! - 1);
        res.end();
      };
      if (update.message.text === "a1") held.push(finish); // Alice's first update hangs until released
      else finish();
    });
    await api("setWebhook", { url });
    for (const text of ["a1", "a2", "a3"]) await alice.sendText(chat, text);
    for (const text of ["b1", "b2"]) await bob.sendText(bobChat, text);
    await expect.poll(() => log).toEqual(["a1", "b1", "b2"]); // Bob's chat is not held up by Alice's
    held.pop()!();
    await expect.poll(() => log).toEqual(["a1", "b1", "b2", "a2", "a3"]);
    expect(maxPerChat).toBe(1);
  });

  it("drops pending updates when asked, and runs a method the receiver answers with", async () => {
    const { api, alice, chat } = await scene(fastRetries);
    await alice.sendText(chat, "old");
    const { url } = await receiver((update, _req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ method: "sendMessage", chat_id: update.message.chat.id, text: `echo: ${update.message.text}` }));
    });
    await api("setWebhook", { url, drop_pending_updates: true });
    await alice.sendText(chat, "new");
    const reply = await chat.waitForReply({ timeoutMs: 2000 });
    expect(reply.text).toBe("echo: new");
    expect((await chat.history()).map((m) => m.text)).not.toContain("echo: old");
  });

  it("stops delivering after deleteWebhook, keeping updates for getUpdates", async () => {
    const { api, alice, chat } = await scene(fastRetries);
    let posts = 0;
    const { url } = await receiver((_update, _req, res) => {
      posts++;
      res.statusCode = 503;
      res.end();
    });
    await api("setWebhook", { url });
    await alice.sendText(chat, "kept");
    await expect.poll(() => posts).toBeGreaterThan(0);
    expect((await api("deleteWebhook")).body.description).toBe("Webhook was deleted");
    const after = posts;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(posts).toBe(after);
    expect((await api("getUpdates")).body.result.map((u: any) => u.message.text)).toEqual(["kept"]);
  });
});
