/**
 * A whole platform in a process of its own for the broadcast kill test: the embedded job
 * queue and the runtime's processing on a SQLite file (DATA_DIR) or a PostgreSQL schema
 * (DATABASE_URL, DB_SCHEMA), sending to the parent's emulator (TELEGRAM_API_ROOT), on a fake
 * clock the parent moves over IPC.
 */
import pino from "pino";
import { planNamed } from "../../src/catalog/plans.js";
import { loadConfig } from "../../src/config.js";
import { createPlatform } from "../../src/platform.js";
import { createProcessing } from "../../src/runtime/processing.js";
import { FakeClock } from "../support/fake-clock.js";

type Command =
  | { seed: { token: string; chatIds: number[] } }
  | { broadcast: { botId: number; text: string } }
  | { task: { botId: number; id: number } }
  | { advance: number };

const { DATA_DIR, DATABASE_URL, DB_SCHEMA, TELEGRAM_API_ROOT, START_MS } = process.env;
const clock = new FakeClock(Number(START_MS));
// The sender's pacing is off, as the emulator's limits are: it would wait on a clock only the parent moves.
const config = loadConfig({ DATA_DIR: DATA_DIR!, SECRET_KEY: "test-secret", TELEGRAM_API_ROOT: TELEGRAM_API_ROOT!, TELEGRAM_LIMITS: "off", ...(DATABASE_URL && { DATABASE_URL }) });
const platform = await createPlatform(config, { clock, log: pino({ level: "silent" }), databaseSchema: DB_SCHEMA || undefined });
createProcessing(platform, { executor: { isolates: 1 } });
await platform.jobs.start();

/** A bot of a new owner with the token, running, and a private chat row for each Telegram chat id. */
async function seed(token: string, chatIds: number[]): Promise<number> {
  const owner = await platform.users.create({ email: `owner${Date.now()}@example.com`, passwordHash: null, plan: "free" });
  const bot = await platform.bots.create(owner, { name: "Broadcaster", token });
  await platform.bots.store.setStatus(bot.id, { status: "works" });
  const now = new Date(clock.now()).toISOString();
  for (let i = 0; i < chatIds.length; i += 500) {
    const rows = chatIds.slice(i, i + 500).map((chatid) => ({ bot_id: bot.id, chatid: String(chatid), chat_type: "private", title: null, username: null, user_id: null, blocked: 0, created_at: now, updated_at: now }));
    await platform.database.db.insertInto("chats").values(rows).execute();
  }
  return bot.id;
}

process.on("message", async (command: Command) => {
  let answer: unknown = null;
  if ("seed" in command) answer = await seed(command.seed.token, command.seed.chatIds);
  if ("broadcast" in command) {
    const bot = (await platform.bots.store.byId(command.broadcast.botId))!;
    const owner = (await platform.users.byId(bot.owner_id))!;
    answer = (await platform.broadcasts.create(bot, planNamed(config.freePlan, owner.payment_plan), { text: command.broadcast.text, for_chats: "all", options: null })).id;
  }
  if ("task" in command) answer = await platform.broadcasts.store.byId(command.task.botId, command.task.id);
  if ("advance" in command) await clock.advanceAsync(command.advance);
  await platform.database.committed();
  process.send!({ done: answer });
});
process.send!({ ready: true });
