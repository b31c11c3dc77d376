import { sql } from "kysely";
import type { Platform } from "../../src/platform.js";
import { createBot, type ApiClient } from "../support/bots.js";
import { WaitStore } from "../../src/runtime/waits.js";

/**
 * A bot with a row of every kind it can own: folder, command with aliases, bot user, private
 * chat, bot and user properties, error log entry, admin panel, installed library, iteration
 * counter, open wait for an answer, accepted update, scheduled job, import task, library file,
 * list (with a property and a user), cached command run, broadcast task, a run's journal row
 * with its outbox.
 * Answers the ids the API paths take.
 */
export async function seedBot(platform: Platform, api: ApiClient, ownerId: number, name = "Seeded") {
  const bot = await createBot(api, { name });
  const base = `/v2/bots/${bot.id}`;
  const folder = (await api.post(`${base}/commands_folders`, { title: "Folder" })).json();
  const command = (await api.post(`${base}/commands`, { command: "/start", aliases: "hello, hi", commands_folder_id: folder.id, answer: "Hi" })).json();
  const { row: user } = await platform.botUsers.remember(bot.id, { id: 4242, is_bot: false, first_name: "Ann" });
  const { row: chat } = await platform.chats.remember(bot.id, { id: 4242, type: "private", first_name: "Ann" }, user.id);
  const property = (await platform.properties.set(bot.id, "bot", "title", "Shop"))!;
  await platform.properties.set(bot.id, "user", "coins", 5, { userId: user.id });
  await platform.errorLog.record(bot.id, { message: "Boom", command_id: command.id, command_name: "/start" });
  const panel = await platform.adminPanels.store.setPanel(bot.id, "settings", { fields: [{ name: "greeting", value: "Hi" }] });
  await api.post(`${base}/libs`, { lib_id: "Lang" });
  await platform.iterations.add(ownerId, bot.id, 3);
  await new WaitStore(platform.database.db, platform.clock).open({ botId: bot.id, chatId: chat.id, userId: user.id }, command.id, { step: 1 });
  await platform.runtime.inbox.insert(bot.id, [{ update_id: 1, message: { message_id: 1, date: 0, chat: { id: 4242, type: "private", first_name: "Ann" }, from: { id: 4242, is_bot: false, first_name: "Ann" }, text: "/start" } }]);
  await platform.jobs.enqueue([{ kind: "run", botId: bot.id, payload: { seeded: true }, runAt: platform.clock.now() + 60_000, label: "seeded" }]);
  const task = await platform.interop.tasks.create(bot.id, "csv_import");
  await platform.database.db.insertInto("bot_lib_files").values({ bot_id: bot.id, name: "Utils", source: "publish({});", created_at: new Date(platform.clock.now()).toISOString() }).execute();
  const list = await platform.lists.ensure({ botId: bot.id, userId: 0, name: "catalog" });
  await platform.lists.attach(list, property.id);
  await platform.lists.addUser(list, user.id);
  await platform.database.db.insertInto("command_caches").values({ bot_id: bot.id, command_id: command.id, user_id: 0, actions: "[]", expires_at: platform.clock.now() + 60_000 }).execute();
  await platform.database.db.insertInto("run_journal").values({ delivery_key: `inbox:seed-${bot.id}`, bot_id: bot.id, state: "committed", created_at: platform.clock.now() }).execute();
  // SQLite counts the writes above into the bot's total at once, and keeps no changes; PostgreSQL keeps changes until they are folded into a total.
  await platform.database.db.insertInto("bot_storage").values({ bot_id: bot.id, bytes: 0 }).onConflict((oc) => oc.column("bot_id").doNothing()).execute();
  await platform.database.db.insertInto("bot_storage_changes").values({ bot_id: bot.id, bytes: 0 }).execute();
  await platform.database.db.insertInto("run_outbox").values({ delivery_key: `inbox:seed-${bot.id}`, seq: 1, kind: "telegram", method: "sendMessage", payload: "{}", status: "pending" }).execute();
  const broadcast = await platform.broadcasts.store.create(bot.id, { text: "Sale", for_chats: "private-chats", options: null });
  return { bot, folder, command, user, chat, property, panel, task, broadcast };
}

/** Every table of the database with its columns, read from the engine's catalog. */
export async function tablesWithColumns(platform: Platform): Promise<Map<string, string[]>> {
  const { db, engine } = platform.database;
  const rows =
    engine === "sqlite"
      ? (await sql<{ table_name: string; column_name: string }>`
          select m.name as table_name, c.name as column_name
          from sqlite_master m join pragma_table_info(m.name) c
          where m.type = 'table' and m.name not like 'sqlite_%'`.execute(db)).rows
      : (await sql<{ table_name: string; column_name: string }>`
          select table_name, column_name from information_schema.columns where table_schema = current_schema()`.execute(db)).rows;
  const tables = new Map<string, string[]>();
  for (const row of rows) tables.set(row.table_name, [...(tables.get(row.table_name) ?? []), row.column_name]);
  return tables;
}

/** The rows of every table that has a `bot_id`, for that bot, as one comparable snapshot. */
export async function rowsOfBot(platform: Platform, botId: number): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const [table, columns] of await tablesWithColumns(platform)) {
    if (!columns.includes("bot_id")) continue;
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)} where bot_id = ${botId} order by 1, 2`.execute(platform.database.db);
    snapshot[table] = rows;
  }
  return snapshot;
}
