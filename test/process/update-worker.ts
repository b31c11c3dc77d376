/**
 * An update worker in a process of its own, for the kill test: the Redis update queue (keys
 * under REDIS_PREFIX, an 8 s visibility timeout) over a PostgreSQL schema (DATABASE_URL,
 * DB_SCHEMA). Its handler appends `start|end <update_id> <chat> <pid>` to RUNS_FILE
 * (synchronously, so a kill cannot lose the line); the first handling of HANG_UPDATE never ends.
 */
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { Redis } from "ioredis";
import pino from "pino";
import { systemClock } from "../../src/clock.js";
import { openDatabase } from "../../src/db/database.js";
import { GroupedUpdateQueue } from "../../src/runtime/intake/grouped-queue.js";
import { Inbox } from "../../src/runtime/intake/inbox.js";

const { DATABASE_URL, DB_SCHEMA, RUNS_FILE, REDIS_URL, REDIS_PREFIX, HANG_UPDATE } = process.env;
const database = openDatabase({ dataDir: "", url: DATABASE_URL, schema: DB_SCHEMA });
const queue = new GroupedUpdateQueue(new Inbox(database, systemClock), new Redis(REDIS_URL!, { maxRetriesPerRequest: null }), pino({ level: "silent" }), REDIS_PREFIX!, {
  concurrency: 8,
  visibilityTimeoutMs: 8000,
});
const hungOnce = `${RUNS_FILE}.hung`;
const record = (what: string, updateId: number, chat: number) => appendFileSync(RUNS_FILE!, `${what} ${updateId} ${chat} ${process.pid}\n`);
await queue.start({
  async handle(_botId, update) {
    const chat = update.message!.chat.id;
    record("start", update.update_id, chat);
    if (update.update_id === Number(HANG_UPDATE) && !existsSync(hungOnce)) {
      writeFileSync(hungOnce, "");
      await new Promise(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
    record("end", update.update_id, chat);
  },
});
process.on("message", () => process.send!({ done: process.pid }));
process.send!({ ready: true });
