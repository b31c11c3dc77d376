import { createServer, type Server } from "node:http";
import { Bot, InlineKeyboard, Keyboard, webhookCallback } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import type { BotHandle, EmulatorClient } from "../../../src/telegram/emulator/index.js";
import { listenOnLoopback } from "../../support/net.js";
import { scene } from "./harness.js";

/** A small shop bot written the way grammY's users write them. */
function shopBot(token: string, apiRoot: string): Bot {
  const bot = new Bot(token, { client: { apiRoot } });
  bot.command("start", (ctx) =>
    ctx.reply(`Welcome${ctx.match ? `, friend of ${ctx.match}` : ""}!`, {
      reply_markup: new Keyboard().text("Menu").text("Help").resized(),
    }),
  );
  bot.hears("Menu", (ctx) =>
    ctx.reply("Pick a *size*:", {
      parse_mode: "Markdown",
      reply_markup: new InlineKeyboard().text("Small", "size:s").text("Large", "size:l"),
    }),
  );
  bot.callbackQuery(/^size:(s|l)$/, async (ctx) => {
    await ctx.answerCallbackQuery({ text: "Noted" });
    await ctx.editMessageText(`You chose ${ctx.match[1] === "s" ? "small" : "large"}.`);
  });
  bot.on("message:text", (ctx) => ctx.reply(`You said: ${ctx.message.text}`));
  return bot;
}

/** A user talks to the bot: a deep-linked /start, a reply keyboard, an inline keyboard, text. */
async function converse(client: EmulatorClient, bot: BotHandle): Promise<void> {
  const alice = await client.createUser({ first_name: "Alice" });
  const chat = await alice.privateChat(bot);

  await alice.start(chat, "bob");
  expect((await chat.waitForReply()).text).toBe("Welcome, friend of bob!");
  expect(await chat.replyKeyboard()).toMatchObject({ keyboard: [[{ text: "Menu" }, { text: "Help" }]], resize_keyboard: true });

  await alice.pressKeyboardButton(chat, "Menu");
  const menu = await chat.waitForReply();
  expect(menu.text).toBe("Pick a size:");
  expect(menu.entities).toEqual([{ type: "bold", offset: 7, length: 4 }]);

  const query = await alice.pressButton(menu, { text: "Large" });
  expect(await client.answerTo(query)).toEqual({ text: "Noted" });
  await expect.poll(async () => (await chat.history()).find((m) => m.message_id === menu.message_id)?.text).toBe("You chose large.");

  await alice.sendText(chat, "thanks");
  expect((await chat.waitForReply()).text).toBe("You said: thanks");
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections(), server.close();
});

describe("grammY against the emulator", () => {
  it("runs a bot with long polling (bot.start)", async () => {
    const { emulator } = await scene();
    const handle = await emulator.client.registerBot({ username: "shop_bot" });
    const bot = shopBot(handle.token, emulator.apiRoot);
    const started = new Promise<void>((resolve) => void bot.start({ onStart: () => resolve() }));
    await started;
    try {
      await converse(emulator.client, handle);
    } finally {
      await bot.stop();
    }
    expect((await emulator.client.counters()).calls.getUpdates).toBeGreaterThan(1);
  });

  it("runs a bot behind a webhook (webhookCallback + setWebhook with a secret token)", async () => {
    const { emulator } = await scene();
    const handle = await emulator.client.registerBot({ username: "shop_bot" });
    const bot = shopBot(handle.token, emulator.apiRoot);
    const server = createServer(webhookCallback(bot, "http", { secretToken: "hook-secret" }));
    servers.push(server);
    const url = `${await listenOnLoopback(server)}/`;
    await bot.api.setWebhook(url, { secret_token: "hook-secret" });
    expect((await bot.api.getWebhookInfo()).url).toBe(url);

    await converse(emulator.client, handle);
    // The bot answers inside its webhook handler, so the last delivery may still be finishing.
    await expect.poll(async () => (await emulator.client.counters()).webhookDeliveries).toBe(4);
    const counters = await emulator.client.counters();
    expect(counters.webhookFailures).toBe(0);
    expect(counters.calls.getUpdates).toBeUndefined();
  });

  it("gets a webhook's 401 when the secret token is wrong, and keeps retrying", async () => {
    const { emulator } = await scene({ webhook: { retryBaseMs: 10, retryMaxMs: 20 } });
    const handle = await emulator.client.registerBot({ username: "shop_bot" });
    const bot = shopBot(handle.token, emulator.apiRoot);
    const server = createServer(webhookCallback(bot, "http", { secretToken: "right" }));
    servers.push(server);
    await bot.api.setWebhook(`${await listenOnLoopback(server)}/`, { secret_token: "wrong" });
    const alice = await emulator.client.createUser({ first_name: "Alice" });
    await alice.start(await alice.privateChat(handle));
    await expect.poll(async () => (await emulator.client.counters()).webhookFailures).toBeGreaterThan(1);
    expect((await bot.api.getWebhookInfo()).last_error_message).toBe("Wrong response from the webhook: 401 Unauthorized");
  });
});
