import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Message } from "@grammyjs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFolderFiles } from "../../src/interop/git/folder-files.js";
import { readRepository } from "../../src/interop/git/repository.js";
import type { BotContent } from "../../src/interop/bot-content.js";
import type { EmbeddedJobQueue } from "../../src/jobs/embedded-queue.js";
import type { ChatHandle, UserHandle } from "../../src/telegram/emulator/index.js";
import { useLoopbackServer } from "../support/loopback.js";
import { engines } from "../support/platform.js";
import { useRuntime, type TestBot } from "../support/runtime.js";

/**
 * The compatibility corpus (issue 12): bots written the way Bots.Business bots are, each a
 * repository in the Git format under test/compat/corpus/<slug>/ with a conversation.json.
 * For each bot: created through the platform, its content imported the way a client imports an
 * exported bot through the API (folders, then each store library with POST /libs, then each
 * command with POST /commands; a bot bringing its own library source is imported as a
 * repository instead), started; its conversation
 * replayed against the emulator; then every command sent once by name, and the bot's error log
 * searched for the judge's measure (an error saying "not defined", "not a function" or "not
 * available"). The figure is printed; the target is 0 such commands.
 *
 * conversation.json is `[{send, expect, user?, advance_s?}, ...]`:
 * - `send`: a text (`"/start"`, a button label; `{telegramid:Ben}` in it becomes that user's
 *   Telegram id, for deep links), `{callback_data}` (presses the newest inline
 *   button with that data in the sender's chat), `{contact: true}`, `{location: [lat, lon]}`,
 *   `{photo: true}`, `{open_link: true}` (GETs the platform URL in the sender's newest bot
 *   message, e.g. a `WebApp.getUrl` link; the answer body counts as a reply), or
 *   `{save_panel: {panel_name, values}}` (the owner saves an admin panel through the API);
 *   left out, the step only moves the clock (`advance_s`);
 * - `expect`: substrings the step's replies must contain, in order. A reply is a bot message
 *   sent or edited during the step (the sender's chat first, then the other users'), as its
 *   text followed by ` [label]` for each button it shows;
 * - `user`: who sends (default "Ann"); each name is one emulator user with a private chat;
 * - `chat`: the name of a group to send in instead of the private chat (the bot administers it;
 *   its first sender owns it); `{join: true}` as `send` makes the user join that group
 *   (a `new_chat_members` update). Group messages count as replies, the step's group first;
 * - `advance_s`: seconds the fake clock moves on after sending (scheduled runs, `run_after`).
 * Each bot gets a bot property `corpus_http`: the base URL of a loopback server that answers
 * any request with JSON `{method, path, body}` (for `HTTP.*` bots).
 */

const CORPUS_DIR = fileURLToPath(new URL("./corpus/", import.meta.url));
const MISSING_NAME = /not defined|not a function|not available/;

interface Step {
  send?: string | { callback_data: string } | { contact: true } | { location: [number, number] } | { photo: true } | { open_link: true } | { save_panel: { panel_name: string; values: Record<string, unknown> } } | { join: true };
  expect: string[];
  user?: string;
  chat?: string;
  advance_s?: number;
}

const slugs = existsSync(CORPUS_DIR) ? readdirSync(CORPUS_DIR).filter((slug) => existsSync(join(CORPUS_DIR, slug, "bot.json"))).sort() : [];

/** A bot message as a step's reply: its text, then its buttons' labels. */
function replyText(message: Message): string {
  const markup = (message as { reply_markup?: { inline_keyboard?: { text: string }[][] } }).reply_markup;
  const buttons = (markup?.inline_keyboard ?? []).flat().map((button) => ` [${button.text}]`);
  return (message.text ?? message.caption ?? "") + buttons.join("");
}

/** Whether the replies hold the expected substrings in order (several may sit in one reply). */
function inOrder(replies: string[], expected: string[]): boolean {
  let reply = 0;
  let from = 0;
  for (const part of expected) {
    for (; reply < replies.length; reply++, from = 0) {
      const at = replies[reply]!.indexOf(part, from);
      if (at >= 0) {
        from = at + part.length;
        break;
      }
    }
    if (reply >= replies.length) return false;
  }
  return true;
}

describe.each(engines())("the compatibility corpus on %s", (engine) => {
  const echo = useLoopbackServer((request, body, response) =>
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ method: request.method, path: request.url, body: body.toString() })),
  );

  const r = useRuntime(engine, { BJS_HTTP_ALLOW: "127.0.0.1" });
  beforeAll(() => r.t.platform.jobs.start());
  afterAll(() => r.t.platform.jobs.stop());
  const figures: { slug: string; commands: number; failing: string[] }[] = [];
  afterAll(() => {
    const commands = figures.reduce((sum, f) => sum + f.commands, 0);
    const failing = figures.flatMap((f) => f.failing.map((name) => `${f.slug} ${name}`));
    const share = commands === 0 ? 100 : (100 * (commands - failing.length)) / commands;
    console.log(`compat corpus (${engine}): ${figures.length} bots, ${commands} commands, ${failing.length} with a missing-name error; ${share.toFixed(1)} % ran clean${failing.length ? `\n  ${failing.join("\n  ")}` : ""}`);
  });

  const jobsIdle = () => (r.t.platform.jobs as EmbeddedJobQueue).idle();

  /** Every emulator user of one bot's run, by name, with what the test has seen of their chat. */
  function people(bot: TestBot) {
    const known = new Map<string, { user: UserHandle; chat: ChatHandle; seen: Map<number, string> }>();
    const groups = new Map<string, { chat: ChatHandle; seen: Map<number, string> }>();
    const botMessages = async (chat: ChatHandle) => (await chat.history()).filter((m) => m.from?.is_bot);
    return {
      /** The named group, created on first use with `owner` as its owner and the bot as an admin. */
      async group(name: string, owner: UserHandle) {
        let group = groups.get(name);
        if (!group) {
          const chat = await r.emulator.client.createGroup({ title: name, type: "supergroup", members: [owner, bot.telegram], admins: [bot.telegram] });
          group = { chat, seen: new Map() };
          groups.set(name, group);
        }
        return group.chat;
      },
      async get(name: string) {
        let person = known.get(name);
        if (!person) {
          const user = await r.emulator.client.createUser({ first_name: name });
          const chat = await user.privateChat(bot.telegram);
          person = { user, chat, seen: new Map() };
          known.set(name, person);
        }
        return person;
      },
      /** Messages sent or changed since the last look: the step's chat first, then the others'. */
      async news(first: string): Promise<string[]> {
        const replies: string[] = [];
        const chats = [...known, ...groups].sort(([a], [b]) => (a === first ? -1 : b === first ? 1 : 0));
        for (const [, watched] of chats) {
          for (const message of await botMessages(watched.chat)) {
            const text = replyText(message);
            if (watched.seen.get(message.message_id) !== text) replies.push(text);
            watched.seen.set(message.message_id, text);
          }
        }
        return replies;
      },
      latest: async (chat: ChatHandle) => botMessages(chat),
    };
  }

  /** Imports an exported bot as an API client would, one request per folder, library and command. */
  async function importThroughApi(bot: TestBot, content: BotContent) {
    const post = async (path: string, payload: object) => {
      const response = await r.t.app.inject({ method: "POST", url: `/v2/bots/${bot.id}${path}?api_key=${bot.apiKey}`, payload });
      expect(response.statusCode, `POST ${path} ${JSON.stringify(payload).slice(0, 200)}: ${response.body}`).toBe(200);
      return response.json() as { id: number };
    };
    const folderIds = new Map<string, number>();
    for (const title of content.folders) folderIds.set(title, (await post("/commands_folders", { title })).id);
    for (const lib of content.libs) await post("/libs", { lib_id: lib.name });
    for (const entry of content.commands) {
      await post("/commands", {
        command: entry.command,
        help: entry.help ?? "",
        answer: entry.answer ?? "",
        keyboard_body: entry.keyboard ?? "",
        aliases: entry.aliases.join(", "),
        group: entry.group ?? "",
        need_reply: entry.need_reply,
        auto_retry_time: entry.auto_retry_time ?? "",
        commands_folder_id: entry.folder === null ? null : folderIds.get(entry.folder)!,
        bjs_code: entry.code ?? "",
      });
    }
    // Nothing was lost on the way: the bot holds what the repository holds.
    expect(await r.t.platform.interop.content.read(bot.id)).toEqual(content);
  }

  it.each(slugs)("%s holds its conversation, and no command misses a documented name", async (slug) => {
    const { content } = readRepository(await readFolderFiles(join(CORPUS_DIR, slug)));
    const conversation = JSON.parse(readFileSync(join(CORPUS_DIR, slug, "conversation.json"), "utf8")) as Step[];
    const bot = await r.bot([]);
    if (content.libs.every((lib) => lib.source === null)) await importThroughApi(bot, content);
    else await r.t.platform.interop.content.replace(bot.id, content);
    await r.t.platform.properties.set(bot.id, "bot", "corpus_http", echo.url);
    const who = people(bot);

    for (const [index, step] of conversation.entries()) {
      const name = step.user ?? "Ann";
      const person = await who.get(name);
      const user = person.user;
      const chat = step.chat ? await who.group(step.chat, user) : person.chat;
      const first = step.chat ?? name;
      await who.news(first);
      const extra: string[] = [];
      const send = step.send;
      if (send === undefined) {
        // Only the clock moves.
      } else if (typeof send === "string") {
        let text = send;
        for (const [whole, other] of send.matchAll(/\{telegramid:(\w+)\}/g)) text = text.replace(whole, String((await who.get(other!)).user.id));
        await user.sendText(chat, text);
      }
      else if ("callback_data" in send) {
        const message = (await who.latest(chat)).findLast((m) => m.reply_markup?.inline_keyboard.flat().some((b) => "callback_data" in b && b.callback_data === send.callback_data));
        if (!message) throw new Error(`${slug} step ${index + 1}: no button with callback_data ${send.callback_data}`);
        await user.pressButton(message, send.callback_data);
      } else if ("join" in send) await user.join(chat);
      else if ("contact" in send) await user.sendContact(chat);
      else if ("location" in send) await user.sendLocation(chat, ...send.location);
      else if ("photo" in send) await user.sendPhoto(chat);
      else if ("save_panel" in send) {
        const panels = (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/active_options?api_key=${bot.apiKey}` })).json() as { id: number; name: string }[];
        const panel = panels.find((p) => p.name === send.save_panel.panel_name);
        if (!panel) throw new Error(`${slug} step ${index + 1}: no admin panel ${send.save_panel.panel_name}`);
        const saved = await r.t.app.inject({ method: "PUT", url: `/v2/bots/${bot.id}/active_options/${panel.id}?api_key=${bot.apiKey}`, payload: { values: send.save_panel.values } });
        if (saved.statusCode !== 200) throw new Error(`${slug} step ${index + 1}: saving the panel answered ${saved.body}`);
      } else {
        const link = (await who.latest(chat)).map((m) => /https?:\/\/\S+/.exec(m.text ?? "")?.[0]).findLast(Boolean);
        if (!link) throw new Error(`${slug} step ${index + 1}: no link to open`);
        const url = new URL(link);
        extra.push((await r.t.app.inject({ method: "GET", url: url.pathname + url.search })).body);
      }
      await bot.deliver();
      await jobsIdle();
      if (step.advance_s) {
        await r.t.clock.advanceAsync(step.advance_s * 1000);
        await jobsIdle();
      }
      const replies = [...extra, ...(await who.news(first))];
      if (!inOrder(replies, step.expect)) {
        // The bot's newest errors say why far better than the replies do.
        const errors = (await r.t.platform.errorLog.list(bot.id, { limit: 3, offset: 0 })).items.map((entry) => `${entry.command_name}: ${entry.message}`);
        expect.fail(`${slug} step ${index + 1} (${JSON.stringify(send)}): expected ${JSON.stringify(step.expect)} in order, got ${JSON.stringify(replies)}; newest errors ${JSON.stringify(errors)}`);
      }
    }

    // The judge's measure: every command sent once by name, by someone new.
    const { user, chat } = await who.get("Probe");
    for (const command of content.commands) {
      await user.sendText(chat, command.command);
      await bot.deliver();
      await jobsIdle();
    }
    const log = (await r.t.platform.errorLog.list(bot.id, { limit: 1000, offset: 0 })).items;
    const failing = [...new Set(log.filter((entry) => MISSING_NAME.test(entry.message)).map((entry) => `${entry.command_name ?? "(no command)"}: ${entry.message.slice(0, 120)}`))];
    figures.push({ slug, commands: content.commands.length, failing });
    expect(content.commands.length, `${slug} has 20 or more commands`).toBeGreaterThanOrEqual(20);
    expect(failing, `${slug}: commands that miss a documented name`).toEqual([]);
  });
});
