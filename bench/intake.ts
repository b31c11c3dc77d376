/**
 * Intake throughput: updates accepted into the durable inbox and dispatched to a no-op
 * handler, on SQLite (a temp file) and on PostgreSQL when TEST_POSTGRES_URL is set. The
 * baseline beside it is the bare inbox insert, so the ratio shows what dispatching costs.
 *
 *   npx tsx bench/intake.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Update } from "@grammyjs/types";
import pino from "pino";
import { systemClock } from "../src/clock.js";
import { openDatabase, type Database } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { Dispatcher } from "../src/runtime/intake/dispatcher.js";
import { Inbox } from "../src/runtime/intake/inbox.js";

const UPDATES = 20_000;
const CHATS = 200;

function update(id: number): Update {
  const chat = id % CHATS;
  return { update_id: id, message: { message_id: id, date: 0, chat: { id: chat, type: "private", first_name: "U" }, text: `m${id}` } } as Update;
}

async function botIn(database: Database): Promise<number> {
  const now = new Date().toISOString();
  const owner = await database.db
    .insertInto("users")
    .values({ email: `b${Date.now()}@x.y`, name: null, password_hash: null, api_key_hash: `h${Math.random()}`, api_key_sealed: "s", ads_enabled: 0, payment_plan: "free", extra_points: 0, created_at: now, updated_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  const bot = await database.db
    .insertInto("bots")
    .values({ owner_id: owner.id, name: "bench", status: "works", webhook_secret: "s", created_at: now, updated_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  return bot.id;
}

/**
 * Updates per second through `accept` (`concurrency` calls in flight, `perCall` updates each:
 * 1 like webhook requests, 100 like a getUpdates batch) until all are handled and marked done.
 */
async function run(database: Database, { concurrency, perCall }: Shape, dispatch: boolean): Promise<number> {
  const botId = await botIn(database);
  const inbox = new Inbox(database, systemClock);
  const dispatcher = new Dispatcher(inbox, pino({ level: "silent" }));
  let handled = 0;
  let allHandled!: () => void;
  const done = new Promise<void>((resolve) => (allHandled = resolve));
  if (dispatch) await dispatcher.start({ handle: async () => void (++handled === UPDATES && allHandled()) });
  const started = performance.now();
  const step = concurrency * perCall;
  const inFlight = Array.from({ length: concurrency }, async (_, lane) => {
    for (let first = lane * perCall + 1; first <= UPDATES; first += step) {
      const updates = Array.from({ length: perCall }, (_, i) => update(first + i));
      if (dispatch) await dispatcher.accept(botId, updates);
      else await inbox.insert(botId, updates);
    }
  });
  await Promise.all(inFlight);
  if (dispatch) {
    await done;
    await dispatcher.stop();
  }
  return UPDATES / ((performance.now() - started) / 1000);
}

interface Shape {
  concurrency: number;
  perCall: number;
}

const shapes: Shape[] = [
  { concurrency: 1, perCall: 1 },
  { concurrency: 32, perCall: 1 },
  { concurrency: 1, perCall: 100 },
];

async function bench(name: string, open: () => Promise<{ database: Database; close(): Promise<void> }>) {
  for (const shape of shapes) {
    const a = await open();
    const baseline = await run(a.database, shape, false);
    await a.close();
    const b = await open();
    const full = await run(b.database, shape, true);
    await b.close();
    console.log(
      `${name}, ${shape.concurrency} call(s) in flight x ${shape.perCall} update(s): insert only ${Math.round(baseline)}/s; ` +
        `accept + dispatch + mark done ${Math.round(full)}/s (ratio ${(full / baseline).toFixed(2)})`,
    );
  }
}

await bench("SQLite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "botyard-bench-"));
  const database = openDatabase({ dataDir: dir });
  await migrateToLatest(database);
  return { database, close: async () => (await database.close(), rmSync(dir, { recursive: true, force: true })) };
});

const pgUrl = process.env.TEST_POSTGRES_URL;
if (pgUrl) {
  await bench("PostgreSQL", async () => {
    const schema = `bench_${Math.random().toString(36).slice(2, 10)}`;
    const admin = openDatabase({ url: pgUrl, dataDir: "" });
    await admin.db.schema.createSchema(schema).execute();
    await admin.close();
    const database = openDatabase({ url: pgUrl, dataDir: "", schema });
    await migrateToLatest(database);
    return {
      database,
      close: async () => {
        await database.close();
        const cleanup = openDatabase({ url: pgUrl, dataDir: "" });
        await cleanup.db.schema.dropSchema(schema).cascade().execute();
        await cleanup.close();
      },
    };
  });
}
