import { expect } from "vitest";
import type { Message } from "@grammyjs/types";
import type { EngineName } from "./platform.js";
import { useRuntime, type CommandSpec } from "./runtime.js";

/** What a library test bot is made of: its commands, the store libraries it installs, its own library files. */
export interface LibraryBotSpec {
  commands: CommandSpec[];
  /** Store libraries installed through the API, by name. */
  install?: string[];
  /** Custom libraries, as a repository's `libs/<Name>.js` would bring them. */
  files?: Record<string, string>;
}

/**
 * Library tests run BJS as bots do: through the API, the runtime and the Telegram emulator.
 * `libraryBot` makes a started bot with a user in a private chat; `say` sends a text and
 * answers the texts the bot sent back; `errors` reads the bot's error log.
 */
export function useLibraryBots(engine: EngineName, env: Record<string, string> = {}) {
  const r = useRuntime(engine, env);

  async function libraryBot(spec: LibraryBotSpec, userFields: { first_name?: string; username?: string; language_code?: string } = {}) {
    const bot = await r.bot(spec.commands);
    const api = (method: "GET" | "POST" | "PUT" | "DELETE", path: string, payload?: object) =>
      r.t.app.inject({ method, url: `/v2/bots/${bot.id}${path}${path.includes("?") ? "&" : "?"}api_key=${bot.apiKey}`, payload });
    for (const name of spec.install ?? []) expect((await api("POST", "/libs", { lib_id: name })).statusCode).toBe(200);
    if (spec.files) {
      const content = await r.t.platform.interop.content.read(bot.id);
      await r.t.platform.interop.content.replace(bot.id, { ...content, libs: [...content.libs, ...Object.entries(spec.files).map(([name, source]) => ({ name, source }))] });
    }
    /** A Telegram user of the bot, in a private chat with it. */
    async function member(fields: { first_name?: string; username?: string; language_code?: string } = {}) {
      const user = await r.emulator.client.createUser({ first_name: "Ada", ...fields });
      const chat = await user.privateChat(bot.telegram);
      let seen = 0;
      /** The bot's messages since the last look (every send is done once `deliver` returns). */
      const fresh = async (): Promise<Message[]> => {
        const news = (await chat.history()).filter((m) => m.from?.id === bot.telegram.id && m.message_id > seen);
        seen = Math.max(seen, ...news.map((m) => m.message_id));
        return news;
      };
      return {
        user,
        chat,
        /** Sends a text and answers the texts of the bot's replies. */
        async say(text: string): Promise<string[]> {
          await user.sendText(chat, text);
          await bot.deliver();
          return (await fresh()).map((m) => m.text ?? "");
        },
        /** Presses an inline button of a bot message and answers the replies' texts. */
        async press(message: Message, data: string): Promise<string[]> {
          await user.pressButton(message, data);
          await bot.deliver();
          return (await fresh()).map((m) => m.text ?? "");
        },
        fresh,
      };
    }
    const first = await member(userFields);
    return {
      bot,
      api,
      ...first,
      member,
      /** The bot's error log entries as recorded (segment and line included), newest first. */
      async errors() {
        return (await r.t.platform.errorLog.list(bot.id, { limit: 100, offset: 0 })).items.map(({ message, segment, line, command_name }) => ({ message, segment, line, command_name }));
      },
    };
  }

  return { r, libraryBot };
}
