import { describe, expect, it } from "vitest";
import type { Message } from "@grammyjs/types";
import { storeBotContent, storeBots } from "../../src/catalog/store-bots.js";
import { engines } from "../support/platform.js";
import { useRuntime } from "../support/runtime.js";

describe.each(engines())("the demo store's bots hold their conversations on %s", (engine) => {
  const r = useRuntime(engine);

  /** A started bot with the demo's content, and helpers to talk to it as emulator users. */
  async function demo(slug: string) {
    const bot = await r.bot([]);
    await r.t.platform.interop.content.replace(bot.id, await storeBotContent(storeBots.find((entry) => entry.slug === slug)!));
    const person = async (first_name: string) => {
      const user = await r.emulator.client.createUser({ first_name });
      const chat = await user.privateChat(bot.telegram);
      const read = async (count = 1) => (await chat.waitForBotMessages({ count, timeoutMs: 3000 })).map((m) => m.text);
      return {
        id: user.id,
        chat,
        read,
        async say(text: string, count = 1) {
          await user.sendText(chat, text);
          await bot.deliver();
          return read(count);
        },
        async start(param?: string, count = 1) {
          await user.start(chat, param);
          await bot.deliver();
          return read(count);
        },
        async button(label: string, count = 1) {
          await user.pressKeyboardButton(chat, label);
          await bot.deliver();
          return read(count);
        },
        async press(message: Message, text: string, count = 1) {
          const query = await user.pressButton(message, { text });
          await bot.deliver();
          return { texts: count > 0 ? await read(count) : [], query };
        },
        async last(): Promise<Message> {
          return (await chat.history()).filter((m) => m.from?.is_bot).at(-1)!;
        },
        async keyboard() {
          return (await chat.replyKeyboard())!.keyboard.map((row) => row.map((b) => (typeof b === "string" ? b : b.text)));
        },
      };
    };
    return { bot, person };
  }

  it("welcome and help: a menu, a help list, a contact and a fallback", async () => {
    const { person } = await demo("welcome");
    const ann = await person("Ann");
    expect(await ann.start()).toEqual(["Welcome, Ann! I am a demo bot. Press a button or send /help."]);
    expect(await ann.keyboard()).toEqual([["ℹ️ About", "❓ Help"], ["📞 Contact"]]);
    expect((await ann.button("❓ Help"))[0]).toContain("/contact - how to reach a human");
    expect(await ann.button("📞 Contact")).toEqual(["You can reach the bot owner for anything I cannot answer."]);
    expect(await ann.say("what is this?")).toEqual(["I did not get that. Send /help to see what I understand."]);
  });

  it("referral programme: invite links, a bonus per friend, balances and a top list", async () => {
    const { person } = await demo("referral");
    const ann = await person("Ann");
    const ben = await person("Ben");
    await ann.start();
    const [link] = await ann.button("👥 Invite");
    const param = new URL(link!.slice("Share this link: ".length)).searchParams.get("start")!;
    expect(Number(param)).toBe(ann.id);
    expect(await ben.start(param)).toEqual(["Welcome! Invite friends and earn 10 points for each one who joins."]);
    expect(await ann.read()).toEqual(["🎉 Ben joined with your link: +10 points"]);
    // Starting again through the link is no new friend.
    await ben.start(param);
    expect(await ann.button("💰 Balance")).toEqual(["You have 10 points. Friends invited: 1."]);
    expect(await ben.say("balance")).toEqual(["You have 0 points. Friends invited: 0."]);
    expect(await ben.button("🏆 Top")).toEqual(["🏆 Top inviters\n1. Ann - 1"]);
  });

  it("support chat: questions go to the admin, answers come back", async () => {
    const { person } = await demo("support");
    const ann = await person("Ann");
    const zoe = await person("Zoe");
    expect(await ann.start()).toEqual(["Hi Ann! Write your question here and our team will answer in this chat."]);
    expect(await ann.say("hello?")).toEqual(["Support is not set up yet. Please try later."]);
    expect(await zoe.say("/setadmin")).toEqual(["You are the support admin now. Questions from users will come here."]);
    expect(await ann.say("/setadmin")).toEqual(["An admin is already set."]);
    expect(await ann.say("My order is late")).toEqual(["✅ Sent to support. We will answer here."]);
    expect(await zoe.read()).toEqual([`📩 From Ann (id ${ann.id}):\nMy order is late`]);
    expect(await zoe.say(`/reply ${ann.id} It ships today`)).toEqual(["Sent."]);
    expect(await ann.read()).toEqual(["💬 Support: It ships today"]);
    expect(await ann.say(`/reply ${zoe.id} hi`)).toEqual(["Only the support admin can reply."]);
  });

  it("quiz: inline answers, a score, stale buttons ignored, play again", async () => {
    const { person } = await demo("quiz");
    const ann = await person("Ann");
    expect(await ann.start(undefined, 2)).toEqual(["Welcome to the quiz! 3 questions, one point each.", "Question 1 of 3: What is the capital of France?"]);
    const first = await ann.last();
    expect((await ann.press(first, "Paris", 2)).texts).toEqual(["✅ Right!", "Question 2 of 3: How many legs does a spider have?"]);
    const stale = await ann.press(first, "Rome", 0);
    expect(await r.emulator.client.answerTo(stale.query)).toMatchObject({ text: "That question is over" });
    expect((await ann.press(await ann.last(), "6", 2)).texts).toEqual(["❌ No, it is 8.", "Question 3 of 3: Which planet is the largest?"]);
    expect((await ann.press(await ann.last(), "Jupiter", 2)).texts).toEqual(["✅ Right!", "Your score: 2 of 3"]);
    expect((await ann.press(await ann.last(), "Play again")).texts).toEqual(["Question 1 of 3: What is the capital of France?"]);
  });

  it("multi-language: each user picks a language and is answered in it", async () => {
    const { person } = await demo("languages");
    const ann = await person("Ann");
    const ben = await person("Ben");
    expect(await ann.start()).toEqual(["Choose your language"]);
    expect((await ann.press(await ann.last(), "Deutsch")).texts).toEqual(["Sprache: Deutsch. Sende hallo, oder /language um die Sprache zu ändern."]);
    expect(await ann.say("hallo")).toEqual(["Hallo, Ann!"]);
    expect(await ben.start()).toEqual(["Choose your language"]);
    expect(await ben.say("hello")).toEqual(["Hello, Ben!"]);
    expect(await ann.say("/language")).toEqual(["Wähle deine Sprache"]);
    expect((await ann.press(await ann.last(), "Español")).texts).toEqual(["Idioma: Español. Envía hola, o /language para cambiar el idioma."]);
    expect(await ann.say("hola")).toEqual(["Hola, Ann!"]);
  });

  it("shop: the admin stocks it, a customer orders, the admin sees the order", async () => {
    const { person } = await demo("shop");
    const zoe = await person("Zoe");
    const ann = await person("Ann");
    expect(await zoe.say("/setadmin")).toEqual(["You run the shop now. Use the admin menu."]);
    expect(await zoe.keyboard()).toEqual([["➕ Add product", "📋 Orders"], ["🛍 Catalog"]]);
    expect(await zoe.button("➕ Add product")).toEqual(["Send the product as: name; price"]);
    expect(await zoe.say("just tea", 2)).toEqual(["Please send: name; price", "Send the product as: name; price"]);
    expect(await zoe.say("Tea; 4")).toEqual(["Added Tea. The catalog has 1 products."]);
    await zoe.button("➕ Add product");
    expect(await zoe.say("Cake; 6")).toEqual(["Added Cake. The catalog has 2 products."]);

    expect(await ann.start()).toEqual(["Welcome to the demo shop! Browse the catalog and order in two taps."]);
    expect(await ann.say("/orders")).toEqual(["Use the buttons below, or send /start."]);
    expect(await ann.button("🛍 Catalog")).toEqual(["Our products (tap to add to the cart):"]);
    const catalog = await ann.last();
    expect((await ann.press(catalog, "Tea - 4 $")).texts).toEqual(["Added Tea. Cart total: 4 $"]);
    expect((await ann.press(catalog, "Cake - 6 $")).texts).toEqual(["Added Cake. Cart total: 10 $"]);
    expect(await ann.button("🧺 Cart")).toEqual(["Your cart:\n- Tea 4 $\n- Cake 6 $\nTotal: 10 $"]);
    expect((await ann.press(await ann.last(), "Order")).texts).toEqual(["Thank you! Order #1 is placed: 10 $"]);
    expect(await zoe.read()).toEqual(["🛒 New order #1 from Ann: Tea, Cake (10 $)"]);
    expect(await zoe.button("📋 Orders")).toEqual(["#1 Ann: Tea, Cake (10 $)"]);
    expect(await ann.button("🧺 Cart")).toEqual(["Your cart is empty."]);
  });
});
