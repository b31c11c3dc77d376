import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { FOR_CHATS_VALUES, PARSE_MODES } from "../../bots/broadcasts.js";
import { planNamed } from "../../catalog/plans.js";
import { ValidationError } from "../../errors.js";
import type { Platform } from "../../platform.js";
import { parseId } from "../ids.js";
import { answerPage } from "../listing.js";
import { pageQuery } from "../pagination.js";
import { requireBot } from "../policies/bot-access.js";
import { broadcastSchema, presentBroadcast } from "../presenters/broadcast.js";
import { mayAnswer } from "../presenters/error.js";
import { messageSchema } from "../presenters/message.js";
import { commandNamed } from "../../runtime/router.js";
import { storedOptions } from "../../runtime/run-request.js";

const tags = ["Broadcast"];
const taskParams = z.object({ id: z.string(), task_id: z.string() });

// An optional field sent as null is left out, as the bots' and commands' bodies take it.
const createBody = z.object({
  command: z.string().trim().min(1).max(4096).nullish().describe("The recipient command (may carry params), run in each chat with `options` and `options.task`"),
  // Telegram refuses a text of spaces only, in every chat.
  text: z.string().max(4096).refine((text) => /\S/.test(text), "Text must not be blank").nullish().describe("Or a text sent to each chat"),
  parse_mode: z.enum(PARSE_MODES).nullish().describe("For a text: how Telegram formats it (plain text when left out)"),
  for_chats: z.enum(FOR_CHATS_VALUES).nullish().default("all").describe("Which chats get it (null: all)"),
  options: storedOptions.optional().describe("For a command: what each recipient run gets as `options` (10 KB of JSON at most)"),
});

/** A bot's broadcast tasks (spec/api.md, Broadcast; paths ours). */
export const broadcastRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));
  const { broadcasts, clock } = platform;
  const present = (task: Parameters<typeof presentBroadcast>[0]) => presentBroadcast(task, clock.now());
  const taskId = (raw: string) => parseId(raw, "Broadcast task");
  /** Whether the bot has a recipient command for the text; with libraries installed, one may handle it (their handlers are known only once they ran). */
  const mayRun = async (bot: { id: number; commands_version: number; username: string | null }, text: string) => {
    const book = await platform.books.of(bot.id, bot.commands_version);
    return book.libs.length > 0 || commandNamed(book, text, bot.username) !== null;
  };

  app.get(
    "/v2/bots/:id/broadcasts",
    { schema: { tags, summary: "Get broadcast tasks", description: "Newest first.", params: z.object({ id: z.string() }), querystring: z.object(pageQuery), response: { 200: z.array(broadcastSchema) } } },
    (request, reply) => answerPage(request, reply, request.query, (window) => broadcasts.store.list(request.bot.id, window), present),
  );

  app.post(
    "/v2/bots/:id/broadcasts",
    {
      schema: {
        tags,
        summary: "Create a broadcast (ours)",
        description:
          "Runs `command` in every chat of `for_chats` (like BJS `Bot.runAll`), or sends `text` to each. Recipients are the chats not blocked, taken in chat-id order; one task of a bot runs at a time, later ones wait as `new`. The bot must be running; a plan without broadcasts gets 403. A command that no command or alias of the bot matches gets 422, unless the bot has a library installed (a library's handlers are known only once it ran).",
        params: z.object({ id: z.string() }),
        body: createBody,
        response: { 200: broadcastSchema, ...mayAnswer(403) },
      },
    },
    async (request) => {
      const { command, text, parse_mode, for_chats, options } = request.body;
      if ((command == null) === (text == null)) throw new ValidationError(["Give either command or text"]);
      if (command != null && parse_mode != null) throw new ValidationError(["parse_mode goes with text, not with command"]);
      if (text != null && options != null) throw new ValidationError(["options go with command, not with text"]);
      if (command != null && !(await mayRun(request.bot, command))) {
        throw new ValidationError([`No command or alias of the bot matches "${command}": create it, or broadcast one the bot has`]);
      }
      const plan = planNamed(platform.config.freePlan, request.user.payment_plan);
      return present(await broadcasts.create(request.bot, plan, { command: command ?? undefined, text: text ?? undefined, parse_mode: parse_mode ?? undefined, for_chats: for_chats ?? "all", options: options ?? null }));
    },
  );

  app.delete(
    "/v2/bots/:id/broadcasts/:task_id",
    { schema: { tags, summary: "Delete broadcast task", description: "Stops the task and deletes it; messages already sent stay sent.", params: taskParams, response: { 200: messageSchema } } },
    async (request) => {
      await broadcasts.delete(request.bot.id, taskId(request.params.task_id));
      return { message: "Broadcast task deleted" };
    },
  );

  for (const action of ["pause", "resume"] as const) {
    app.post(
      `/v2/bots/:id/broadcasts/:task_id/${action}`,
      {
        schema: {
          tags,
          summary: action === "pause" ? "Pause broadcast task" : "Resume broadcast task",
          description: action === "pause" ? "A new or running task stops after the recipient in hand." : "A paused task goes on from where it stopped.",
          params: taskParams,
          response: { 200: broadcastSchema },
        },
      },
      async (request) => present(await broadcasts[action](request.bot.id, taskId(request.params.task_id))),
    );
  }
};
