import { z } from "zod";
import type { AdminPanel, AdminPanelStore } from "../bots/admin-panels.js";
import type { BotList, ListStore } from "../bots/lists.js";
import { MAX_LIST_PAGE } from "../bots/lists.js";
import { AppError } from "../errors.js";
import type { Invocation } from "./invocation.js";
import type { WebApps } from "./web-apps.js";

/** A read BJS asked for that the platform refuses; its message is said back to BJS. */
export class ReadRefused extends AppError {}

export interface CompatReadDeps {
  panels: AdminPanelStore;
  lists: ListStore;
  webApps: WebApps;
  /** The bot's users and chats by type, for the legacy `statistics`. */
  counts(botId: number): Promise<{ users: number; chats: Record<string, number> }>;
  /** The internal id of a user of this bot, or undefined. */
  userOfBot(invocation: Invocation, userId: number): Promise<number | undefined>;
}

const id = z.number().int().safe();
const name = z.string().min(1).max(255);
const listArgs = z.object({ name, user_id: id.optional() });
const pageArgs = listArgs.extend({ page: z.number().int().min(1).max(1_000_000), per_page: z.number().int().min(1).max(MAX_LIST_PAGE) });

/** A panel as BJS reads it (`AdminPanel.getPanel`): values unmasked, they are the bot's own. */
function panelForBjs(panel: AdminPanel | undefined) {
  if (!panel) return null;
  const { name: panel_name, title, description, position: index, icon, button_title, on_saving, fields } = panel;
  return { panel_name, title, description, index, icon, button_title, on_saving, fields };
}

/**
 * The host reads behind AdminPanel, List and WebApp: each one's arguments checked (nothing
 * from the isolate is trusted), always within the invocation's own bot.
 */
export function compatReads(deps: CompatReadDeps) {
  const listOf = async (invocation: Invocation, args: z.infer<typeof listArgs>): Promise<BotList | undefined> => {
    const userId = args.user_id === undefined ? 0 : await deps.userOfBot(invocation, args.user_id);
    if (userId === undefined) throw new ReadRefused(`User ${args.user_id} is not a user of this bot`);
    return deps.lists.find({ botId: invocation.bot.row.id, userId, name: args.name });
  };

  const handlers: Record<string, { schema: z.ZodType; read(invocation: Invocation, args: any): Promise<unknown> }> = {
    panel: {
      schema: z.object({ name }),
      read: async (invocation, args: { name: string }) => panelForBjs(await deps.panels.byName(invocation.bot.row.id, args.name)),
    },
    list: {
      schema: listArgs,
      async read(invocation, args) {
        const list = await listOf(invocation, args);
        if (!list) return { exist: false, id: null, count: 0, users_count: 0 };
        return { exist: true, id: list.id, count: await deps.lists.count(list), users_count: await deps.lists.usersCount(list) };
      },
    },
    listRecords: {
      schema: pageArgs,
      async read(invocation, args) {
        const list = await listOf(invocation, args);
        return list ? deps.lists.records(list, args.page, args.per_page) : [];
      },
    },
    listUsers: {
      schema: pageArgs,
      async read(invocation, args) {
        const list = await listOf(invocation, args);
        return list ? deps.lists.users(list, args.page, args.per_page) : [];
      },
    },
    listUser: {
      // A user's list (`user_id`) is asked about a member (`member_id`) like a bot list.
      schema: listArgs.extend({ member_id: id }),
      async read(invocation, args: { name: string; user_id?: number; member_id: number }) {
        const list = await listOf(invocation, args);
        return (list && (await deps.lists.user(list, args.member_id))) ?? null;
      },
    },
    webAppUrl: {
      schema: z.object({ command: z.string().min(1).max(255), options: z.record(z.string().max(255), z.string().max(4096)) }),
      async read(invocation, args: { command: string; options: Record<string, string> }) {
        const command = invocation.book.named(args.command);
        if (!command) throw new ReadRefused(`WebApp.getUrl: there is no command ${args.command}`);
        if (!command.code?.includes("WebApp.render")) throw new ReadRefused(`WebApp.getUrl: the command ${args.command} must call WebApp.render`);
        return deps.webApps.url(invocation.bot.row.id, command.command, args.options);
      },
    },
    statistics: {
      schema: z.object({}),
      async read(invocation) {
        const { users, chats } = await deps.counts(invocation.bot.row.id);
        const of = (type: string) => chats[type] ?? 0;
        return { users_count: users, chats_count: Object.values(chats).reduce((a, b) => a + b, 0), private_chats_count: of("private"), group_chats_count: of("group") + of("supergroup") };
      },
    },
    commandCode: {
      schema: z.object({ name }),
      read: async (invocation, args: { name: string }) => invocation.book.named(args.name)?.code ?? null,
    },
  };

  /** Answers the read as JSON, or undefined when it is not one of these. */
  return async (invocation: Invocation, readName: string, args: unknown): Promise<string | undefined> => {
    const handler = Object.hasOwn(handlers, readName) ? handlers[readName] : undefined;
    if (!handler) return undefined;
    const parsed = handler.schema.safeParse(args);
    if (!parsed.success) throw new ReadRefused(`A read the platform does not answer: ${readName}`);
    return JSON.stringify(await handler.read(invocation, parsed.data));
  };
}
