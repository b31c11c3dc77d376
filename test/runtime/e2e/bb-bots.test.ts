import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Message } from "@grammyjs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFolderFiles } from "../../../src/interop/git/folder-files.js";
import type { EmbeddedJobQueue } from "../../../src/jobs/embedded-queue.js";
import type { ChatHandle, UserHandle } from "../../../src/telegram/emulator/index.js";
import { useGitRemote } from "../../support/git-remote.js";
import { useLoopbackServer } from "../../support/loopback.js";
import { engines } from "../../support/platform.js";
import { useRuntime, type TestBot } from "../../support/runtime.js";

/**
 * Bots written the way Bots.Business users write them (store templates: referral, daily bonus
 * with growth, a wait-for-answer form, an admin broadcast with a poll, HTTP and reminders),
 * kept as exported repositories under test/fixtures/bb-bots/ (and one Google-sheet CSV),
 * imported through the API (`POST /git/import` from a real git remote, `POST /csv_import`),
 * started, and talked to through the Telegram emulator: the replies and the stored state are
 * what a BB user expects.
 */

const FIXTURES = fileURLToPath(new URL("../../fixtures/bb-bots/", import.meta.url));

/** A bot message as the user sees it: its text, then ` [label]` per inline button. */
function shown(message: Message): string {
  const buttons = (message.reply_markup?.inline_keyboard ?? []).flat().map((button) => ` [${button.text}]`);
  return (message.text ?? "") + buttons.join("");
}

describe.each(engines())("real Bots.Business bots on %s", (engine) => {
  // The git remote, the CSV sheet and the weather API all listen on loopback.
  const r = useRuntime(engine, { IMPORT_ALLOW_PRIVATE_URLS: "true", BJS_HTTP_ALLOW: "127.0.0.1" });
  const remote = useGitRemote();
  beforeAll(() => r.t.platform.jobs.start());
  afterAll(() => r.t.platform.jobs.stop());

  // A weather service: a known city, an unknown one (404), and an echo of posted reports.
  const weather = useLoopbackServer((request, body, response) => {
    const url = new URL(request.url!, "http://x");
    const json = (status: number, value: object) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (url.pathname === "/weather" && url.searchParams.get("city") === "London" && request.headers["x-api-key"] === "demo") json(200, { temp: 12, sky: "cloudy" });
    else if (url.pathname === "/weather") json(404, { error: "unknown city" });
    else json(200, { method: request.method, body: body.toString() });
  });

  const idle = () => (r.t.platform.jobs as EmbeddedJobQueue).idle();

  /** The bot's API, as its owner calls it. */
  const call = (bot: TestBot, method: "GET" | "POST" | "PUT", path: string, payload?: object | string, headers?: Record<string, string>) =>
    r.t.app.inject({ method, url: `/v2/bots/${bot.id}${path}${path.includes("?") ? "&" : "?"}api_key=${bot.apiKey}`, payload, headers });

  /** A fixture repository's files, by path. */
  const repositoryFiles = async (slug: string) => Object.fromEntries([...(await readFolderFiles(join(FIXTURES, slug)))].map(([path, content]) => [path, String(content)]));

  /** Imports files through `POST /git/import`, as a repository of that name on the remote. */
  async function importGit(bot: TestBot, name: string, files: Record<string, string>) {
    remote.createRepo(name, files);
    const imported = await call(bot, "POST", "/git/import", { repo_url: remote.url(name) });
    expect(imported.statusCode, imported.body).toBe(200);
  }

  /** A started bot with the fixture repository imported. */
  async function gitBot(slug: string): Promise<TestBot> {
    const files = await repositoryFiles(slug);
    // Named as in bot.json: Telegram's legacy Markdown breaks on a link with an `_` in it, so BB bots have names without.
    const bot = await r.bot([], { username: (JSON.parse(files["bot.json"]!) as { name: string }).name });
    await importGit(bot, slug, files);
    return bot;
  }

  /** A started bot with the fixture sheet imported through `POST /csv_import` (a text/csv body, as a published sheet serves it). */
  async function csvBot(file: string): Promise<TestBot> {
    const bot = await r.bot([]);
    const started = await call(bot, "POST", "/csv_import", readFileSync(join(FIXTURES, file), "utf8"), { "content-type": "text/csv" });
    expect(started.statusCode, started.body).toBe(202);
    await r.t.platform.interop.idle();
    expect((await call(bot, "GET", `/csv_import/${started.json().id}`)).json()).toMatchObject({ status: "done", errors: [] });
    return bot;
  }

  /** Someone talking to the bot: each step answers the bot messages sent or edited meanwhile, in every chat of the test. */
  function people(bot: TestBot) {
    const everyone: { user: UserHandle; chat: ChatHandle; seen: Map<number, string> }[] = [];
    async function news(first: ChatHandle): Promise<string[]> {
      const replies: string[] = [];
      const ordered = [...everyone].sort((a) => (a.chat === first ? -1 : 0));
      for (const person of ordered) {
        for (const message of (await person.chat.history()).filter((m) => m.from?.is_bot)) {
          const text = shown(message);
          if (person.seen.get(message.message_id) !== text) replies.push(text);
          person.seen.set(message.message_id, text);
        }
      }
      return replies;
    }
    return async function person(first_name: string) {
      const user = await r.emulator.client.createUser({ first_name });
      const chat = await user.privateChat(bot.telegram);
      const me = { user, chat, seen: new Map<number, string>() };
      everyone.push(me);
      const settle = async () => {
        await bot.deliver();
        await idle();
        return news(chat);
      };
      return {
        id: user.id,
        chat,
        async say(text: string) {
          await news(chat);
          await user.sendText(chat, text);
          return settle();
        },
        /** Presses the inline button with this label on the newest message that has it. */
        async press(label: string) {
          await news(chat);
          const message = (await chat.history()).findLast((m) => m.reply_markup?.inline_keyboard?.flat().some((b) => b.text === label));
          if (!message) throw new Error(`no button ${label}`);
          const query = await user.pressButton(message, { text: label });
          return { replies: await settle(), answer: () => r.emulator.client.answerTo(query) };
        },
        /** Lets the clock run on. */
        async wait(seconds: number) {
          await news(chat);
          await r.t.clock.advanceAsync(seconds * 1000);
          await idle();
          return settle();
        },
        keyboard: async () => ((await chat.replyKeyboard())?.keyboard ?? []).map((row) => row.map((b) => (typeof b === "string" ? b : b.text))),
      };
    };
  }

  /** The platform's id of a user of the bot (BB `user.id`, not the Telegram id). */
  const bbUserId = async (bot: TestBot, telegramId: number) => (await r.t.platform.botUsers.byTelegramId(bot.id, telegramId))!.id;
  /** A stored bot property, or the user's (by Telegram id). */
  const property = async (bot: TestBot, name: string, userTelegramId?: number) =>
    userTelegramId === undefined ? r.t.platform.properties.get(bot.id, "bot", name) : r.t.platform.properties.get(bot.id, "user", name, { userId: await bbUserId(bot, userTelegramId) });
  /**
   * Moves a stored time back by `seconds`: BJS reads the host's time (`Date.now()` in the
   * sandbox is not the test clock), so passing time is a stored timestamp made older, as the
   * bot would find it then. A number is a timestamp; an object is a ResourcesLib growth.
   */
  async function older(bot: TestBot, name: string, userTelegramId: number | undefined, seconds: number) {
    const value = await property(bot, name, userTelegramId);
    const aged = typeof value === "number" ? value - seconds * 1000 : { ...(value as object), started_at: (value as { started_at: number }).started_at - seconds * 1000 };
    const owner = userTelegramId === undefined ? { scope: "bot" as const, options: {} } : { scope: "user" as const, options: { userId: await bbUserId(bot, userTelegramId) } };
    await r.t.platform.properties.set(bot.id, owner.scope, name, aged, owner.options);
  }
  const errors = async (bot: TestBot) => (await r.t.platform.errorLog.list(bot.id, { limit: 20, offset: 0 })).items.map((e) => `${e.command_name}: ${e.message}`);

  it("a referral bot: deep-link tracking, ResourcesLib balances, the ref list, the top and a group-only admin command", async () => {
    const bot = await gitBot("referral-bot");
    await r.t.platform.properties.set(bot.id, "bot", "admin_password", "s3cret");
    const person = people(bot);
    const ann = await person("Ann");
    const ben = await person("Ben");

    expect(await ann.say("/start")).toEqual(["Welcome, Ann!"]);
    expect(await ann.keyboard()).toEqual([["💰 Balance", "👥 Referrals"], ["🔗 Invite", "🏆 Top"]]);
    const [invite] = await ann.say("🔗 Invite");
    const link = /https:\/\/t\.me\/(\S+)/.exec(invite!)!;
    expect(link[1]).toBe(`${bot.telegram.username}?start=ref${await bbUserId(bot, ann.id)}`);
    expect(await ann.say("👥 Referrals")).toEqual(["You have no referrals yet"]);

    // Ben comes through Ann's link: Ann is credited once, by her Telegram id.
    const start = new URL(link[0]).searchParams.get("start")!;
    expect(await ben.say(`/start ${start}`)).toEqual(["Welcome, Ben!", "🎉 New referral: Ben. You got 5 coins!"]);
    expect(await ben.say(`/start ${start}`)).toEqual(["Welcome, Ben!"]);
    expect(await ann.say("💰 Balance")).toEqual(["💰 Your balance: 5 coins"]);
    expect(await ann.say(`/start ${start}`)).toEqual(["This is your own link 🙂", "Welcome, Ann!"]);
    expect(await ann.say("👥 Referrals")).toEqual(["👥 Your referrals: 1\n- Ben"]);
    expect(await ben.say("/refs")).toEqual(["You have no referrals yet"]);
    expect(await ann.say("🏆 Top")).toEqual(["🏆 Top inviters\n1. Ann - 1"]);

    // Spending with ResourcesLib; params parsed by the command.
    expect(await ann.say("/withdraw 7")).toEqual(["❌ Not enough coins. You have 5"]);
    expect(await ann.say("/withdraw 2")).toEqual(["✅ Withdrawn 2. Left: 3"]);
    expect(await ann.say("/withdraw")).toEqual(["Usage: /withdraw 10"]);

    // /give is for the admin group only: others fall to *.
    expect(await ben.say(`/give ${ann.id} 100`)).toEqual(["Sorry, I don't know this command. Use the menu below 👇"]);
    expect(await ben.say("/adminlogin s3cret")).toEqual(["You are admin now. Group: admin"]);
    expect(await ben.say(`/give ${ann.id} 100`)).toEqual(["Done. Balance of " + ann.id + ": 103"]);
    expect(await ann.say("balance")).toEqual(["💰 Your balance: 103 coins"]);
    expect(await property(bot, `ResourcesLib_user${ann.id}_money`)).toBe(103);

    // Push-to-deploy: a new version of the repository replaces the commands, the data stays.
    const files = await repositoryFiles("referral-bot");
    files["commands/_balance.js"] = files["commands/_balance.js"]!.replace("💰 Your balance: ", "💰 Balance now: ");
    delete files["commands/Admin/_give.js"];
    await importGit(bot, "referral-bot-v2", files);
    expect(await ann.say("💰 Balance")).toEqual(["💰 Balance now: 103 coins"]);
    expect(await ben.say(`/give ${ann.id} 1`)).toEqual(["Sorry, I don't know this command. Use the menu below 👇"]);
    expect(await ann.say("👥 Referrals")).toEqual(["👥 Your referrals: 1\n- Ben"]);
    expect(await errors(bot)).toEqual([]);
  });
  it.each(["a repository", "a CSV sheet"])("a wait-for-answer questionnaire from %s: runCommand chains, re-asks, options kept, placeholders, /cancel and another user's answers", async (source) => {
    const bot = source === "a CSV sheet" ? await csvBot("questionnaire.csv") : await gitBot("questionnaire-bot");
    const person = people(bot);
    const ann = await person("Ann");
    const ben = await person("Ben");

    expect(await ann.say("/start")).toEqual(["Hello! Let's fill in a short form."]);
    expect(await ann.keyboard()).toEqual([["📝 Start form", "📋 My form"]]);
    expect(await ann.say("📝 Start form")).toEqual(["Let's start! You can send /cancel at any moment.", "What is your name?"]);
    expect(await ann.say("A")).toEqual(["Name is too short, try again", "What is your name?"]);
    expect(await ann.say("Ann")).toEqual(["How old are you, Ann?"]);
    expect(await ann.say("old enough")).toEqual(["Please send a number from 5 to 120", "How old are you, Ann?"]);
    expect(await ann.say("30")).toEqual(["Choose your city or type it"]);
    expect(await ann.keyboard()).toEqual([["London", "Paris"], ["Berlin"]]);
    expect(await ann.say("Paris")).toEqual(["📋 Your form:\nName: Ann\nAge: 30 (number)\nCity: Paris\nSource: menu", "Thank you!"]);
    expect(await ann.keyboard()).toEqual([]);
    expect(await property(bot, "age", ann.id)).toBe(30);
    expect(await property(bot, "respondents")).toEqual([ann.id]);

    // A command cancels the wait; the next text is no answer any more (there is no *).
    expect(await ben.say("/form")).toEqual(["Let's start! You can send /cancel at any moment.", "What is your name?"]);
    expect(await ben.say("❌ Cancel")).toEqual(["Form cancelled. Send /form to start again."]);
    expect(await ben.say("Benjamin")).toEqual([]);
    expect(await ben.say("📋 My form")).toEqual(["Name: not set, age: 0, city: unknown"]);
    expect(await ben.say(`/whois ${ann.id}`)).toEqual(["Ann is 30"]);
    expect(await ben.say("/respondents")).toEqual(["Forms done: 1, respondents: 1"]);
    expect(await errors(bot)).toEqual([]);
  });

  it("a daily-bonus bot from a Google-sheet CSV: once a day, ResourcesLib growth, a wait-for-answer setting and <placeholders>", async () => {
    const bot = await csvBot("daily-bonus.csv");
    const person = people(bot);
    const ann = await person("Ann");
    const ben = await person("Ben");

    expect(await ann.say("/start")).toEqual(["Welcome to the Bonus bot!\nPress 🎁 Bonus every day."]);
    expect(await ann.keyboard()).toEqual([["🎁 Bonus", "💰 Balance"], ["📈 Invest", "📊 Deposit"]]);
    expect(await ann.say("🎁 Bonus")).toEqual(["🎁 You got 10 coins!"]);
    expect(await ann.say("🎁 Bonus")).toEqual(["⏳ Next bonus in 24 h"]);
    await older(bot, "last_bonus", ann.id, 23 * 3600);
    expect(await ann.say("bonus")).toEqual(["⏳ Next bonus in 1 h"]);
    await older(bot, "last_bonus", ann.id, 3600);
    expect(await ann.say("🎁 Bonus")).toEqual(["🎁 You got 10 coins!"]);

    // 10 coins on deposit at +10 % of the base an hour.
    expect(await ann.say("📈 Invest")).toEqual(["📈 Invested 10. Deposit: 10 (+10% every hour)"]);
    await older(bot, `ResourcesLib_user${ann.id}_deposit_growth`, undefined, 2 * 3600);
    expect(await ann.say("📊 Deposit")).toEqual(["📊 Deposit: 12, base 10"]);
    expect(await ann.say("💰 Balance")).toEqual(["💰 Coins: 10\n📊 Deposit: 12"]);
    expect(await ann.say("/invest 50")).toEqual(["❌ You need 50 coins"]);
    expect(await ann.say("/withdrawdeposit")).toEqual(["💸 Moved 12 to coins. Coins: 22"]);

    expect(await ann.say("/setbonus")).toEqual(["Send the new daily bonus amount"]);
    expect(await ann.say("lots")).toEqual(["It is not a number", "Send the new daily bonus amount"]);
    expect(await ann.say("25")).toEqual(["✅ Daily bonus is now 25"]);
    expect(await ben.say("/start")).toHaveLength(1);
    expect(await ben.say("ℹ️ Info")).toEqual(["Users: 2, daily bonus: 25"]);
    expect(await ben.say("🎁 Bonus")).toEqual(["🎁 You got 25 coins!"]);
    expect(await property(bot, "ResourcesLib_user" + ben.id + "_coins")).toBe(25);
    expect(await property(bot, "daily_bonus")).toBe(25);

    // A sub-command that is gone throws where it is called: the user gets the ! answer.
    expect(await ben.say("❓ Help")).toEqual(["Commands: /bonus /balance /invest /deposit", "⚠️ Oops, something went wrong. Please try again later."]);
    expect(await errors(bot)).toEqual(["/help: Command not found: /commands"]);
  });

  it("an admin bot: AdminPanel settings, an inline poll with answerCallbackQuery and editMessageText, TopBoardLib and a Bot.runAll broadcast", async () => {
    const bot = await gitBot("broadcast-bot");
    const person = people(bot);
    const ann = await person("Ann");
    const ben = await person("Ben");
    const menu = "Main menu: [📊 Poll] [🏆 Voters] [🌐 Website]";

    expect(await ann.say("/setup")).toEqual(["✅ Admin panel installed"]);
    expect(await ann.say("/start")).toEqual(["Hello from the panel!", menu]);
    expect(await ben.say("/start")).toEqual(["Hello from the panel!", menu]);
    expect(await ben.say("/setup")).toEqual(["Only for admin"]);

    // The poll opens in place of the menu; a vote is acknowledged with an alert and edits the poll.
    expect((await ben.press("📊 Poll")).replies).toEqual(["Do you like this bot? [👍 Yes] [👎 No]"]);
    const vote = await ben.press("👍 Yes");
    expect(vote.replies).toEqual(["Votes: 👍 1 / 👎 0 [🏠 Menu]"]);
    expect(await vote.answer()).toEqual({ text: "Thanks for your vote: yes", show_alert: true });
    expect(await ann.say("/poll")).toEqual(["Do you like this bot? [👍 Yes] [👎 No]"]);
    expect((await ann.press("👎 No")).replies).toEqual(["Votes: 👍 1 / 👎 1 [🏠 Menu]"]);
    expect((await ann.press("🏠 Menu")).replies).toEqual([menu]);
    expect(await ann.say("/voters")).toEqual(["🏆 Voters:\n1. Ben: 1\n2. Ann: 1"]);
    expect(await property(bot, "votes")).toEqual({ yes: 1, no: 1 });

    // The owner changes the settings in the app.
    const panels = (await call(bot, "GET", "/active_options")).json() as { id: number; name: string }[];
    const saved = await call(bot, "PUT", `/active_options/${panels.find((p) => p.name === "Settings")!.id}`, { values: { welcome: "Welcome, voter!", show_results: false } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(await ben.say("/start")).toEqual(["Welcome, voter!", menu]);
    expect(await ben.say("/poll")).toHaveLength(1);
    expect((await ben.press("👎 No")).replies).toEqual(["Thanks! [🏠 Menu]"]);

    // Only the admin (the panel's admin_id) broadcasts; every private chat gets the text.
    expect(await ben.say("/broadcast")).toEqual(["Send me the text for all users"]);
    expect(await ben.say("hi all")).toEqual(["⛔ Only for admin"]);
    expect(await ann.say("/broadcast")).toEqual(["Send me the text for all users"]);
    const sent = await ann.say("<b>News</b>: v2 is out");
    expect(sent.filter((text) => text.startsWith("📨 Broadcast #"))).toHaveLength(1);
    expect(sent.filter((text) => text === "📢 News: v2 is out")).toHaveLength(2);
    expect(await ann.say("/taskstatus")).toEqual([expect.stringMatching(/^Task \d+: finished, 100%, total 2$/)]);
    expect(await ann.say("what?")).toEqual(["Unknown command: what?. Try /menu"]);
    expect(await errors(bot)).toEqual([]);
  });

  it("an HTTP and reminder bot: HTTP.get/post with success and error callbacks, Bot.run with run_after, clearRunAfter and a datetime property", async () => {
    const bot = await gitBot("http-bot");
    await r.t.platform.properties.set(bot.id, "bot", "api_url", weather.url);
    await r.t.platform.properties.set(bot.id, "bot", "down_url", "http://127.0.0.1:1/weather");
    const person = people(bot);
    const ann = await person("Ann");

    expect(await ann.say("/start")).toEqual(["Hi! Send /weather London or set a reminder with /remind 5"]);
    // Actions go out in order: the request is made after the messages before it, however slow
    // Telegram is with them (BB users put "Loading..." first and expect the answer after it).
    await r.emulator.client.setLatency({ method: "sendChatAction", ms: 300 });
    expect(await ann.say("/weather London")).toEqual(["⏳ Loading weather for London...", "🌤 London: 12°C, cloudy"]);
    await r.emulator.client.setLatency({ method: "sendChatAction", ms: 0 });
    expect(await property(bot, "last_city", ann.id)).toBe("London");
    expect(await ann.say("weather Atlantis")).toEqual(["⏳ Loading weather for Atlantis...", "City not found: Atlantis (404)"]);
    expect(await ann.say("/outage")).toEqual(["⚠️ Weather service is unavailable, try later"]);
    expect(await ann.say("/report broken lamp")).toEqual([`Report saved: {"user":${ann.id},"text":"broken lamp"} via POST`]);

    expect(await ann.say("/remind 5")).toEqual(["OK, I will remind you in 5 min"]);
    expect(await ann.wait(299)).toEqual([]);
    const setAt = ((await property(bot, "reminder_set", ann.id)) as Date).toISOString().slice(11, 16);
    expect(await ann.wait(2)).toEqual([`⏰ Reminder! 5 min passed (set at ${setAt} UTC)`]);
    expect(await ann.say("/remind 1")).toEqual(["OK, I will remind you in 1 min"]);
    expect(await ann.say("/stopremind")).toEqual(["Reminder cancelled"]);
    expect(await ann.wait(120)).toEqual([]);

    // The auto-retry command runs every hour by itself, with no user or chat.
    const runs = Number((await property(bot, "stat_runs")) ?? 0);
    await ann.wait(3600);
    expect(await property(bot, "stat_runs")).toBe(runs + 1);
    expect(await errors(bot)).toEqual([]);
  });
  it("a group guard bot: /cmd@Bot in a group, welcomes from * on new_chat_members, a reply-based /warn with kickChatMember, links deleted", async () => {
    const bot = await gitBot("group-guard-bot");
    const ann = await r.emulator.client.createUser({ first_name: "Ann" });
    const ben = await r.emulator.client.createUser({ first_name: "Ben" });
    const group = await r.emulator.client.createGroup({ title: "Cat lovers", type: "supergroup", members: [ann, bot.telegram], admins: [ann, bot.telegram] });
    const seen = new Set<number>();
    const news = async () => {
      await bot.deliver();
      await idle();
      const fresh = (await group.history()).filter((m) => m.from?.is_bot && !seen.has(m.message_id));
      for (const m of fresh) seen.add(m.message_id);
      return fresh.map((m) => m.text);
    };

    await ann.sendText(group, `/rules@${bot.telegram.username}`);
    expect(await news()).toEqual(["📜 Rules\n1. Be nice\n2. No links"]);
    await ann.sendText(group, "/chatinfo");
    expect(await news()).toEqual(["Chat: Cat lovers (supergroup)"]);
    await ben.join(group);
    expect(await news()).toEqual(["👋 Welcome, Ben! Please read /rules"]);
    const spam = await ben.sendText(group, "cheap cats at https://spam.example");
    expect(await news()).toEqual(["🚫 No links, Ben!"]);
    expect((await group.history()).some((m) => m.message_id === spam.message_id)).toBe(false);

    const hello = await ben.sendText(group, "hello");
    expect(await news()).toEqual([]);
    await ann.sendText(group, "/warn");
    expect(await news()).toEqual(["Reply to a message with /warn"]);
    for (const count of [1, 2]) {
      await ann.sendText(group, "/warn", { replyTo: hello });
      expect(await news()).toEqual([`⚠️ Ben has ${count}/3 warnings`]);
    }
    await ann.sendText(group, "/warn", { replyTo: hello });
    expect(await news()).toEqual(["⛔ Ben was banned after 3 warnings"]);
    await expect(ben.sendText(group, "let me back")).rejects.toThrow();
    expect(await property(bot, `warns_${group.id}_${ben.id}`)).toBe(3);
    expect(await errors(bot)).toEqual([]);
  });
});
