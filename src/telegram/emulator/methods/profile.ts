import type { BotCommand } from "@grammyjs/types";
import type { Method, MethodContext } from "../context.js";
import { badRequest } from "../errors.js";

/** The key of a command list: its scope and language, as setMyCommands names them. */
function commandsKey(ctx: MethodContext): string {
  const scope = ctx.params.json<{ type: string }>("scope") ?? { type: "default" };
  return `${JSON.stringify(scope)}|${ctx.params.string("language_code") ?? ""}`;
}

function checkCommands(commands: unknown): BotCommand[] {
  if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON object");
  if (commands.length > 100) throw badRequest("too many commands specified");
  for (const entry of commands as BotCommand[]) {
    if (typeof entry?.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(entry.command)) throw badRequest("BOT_COMMAND_INVALID");
    if (typeof entry.description !== "string" || entry.description.length < 1 || entry.description.length > 256) {
      throw badRequest("command description is empty");
    }
  }
  return commands.map(({ command, description }: BotCommand) => ({ command, description }));
}

/** The bot's identity and its command menu. */
export const profileMethods: Record<string, Method> = {
  getMe: (ctx) => ctx.bot.me,

  setMyCommands: (ctx) => {
    ctx.bot.commands.set(commandsKey(ctx), checkCommands(ctx.params.json("commands")));
    return true;
  },

  getMyCommands: (ctx) => ctx.bot.commands.get(commandsKey(ctx)) ?? [],

  deleteMyCommands: (ctx) => ctx.bot.commands.delete(commandsKey(ctx)) || true,
};
