/**
 * Intake throughput: updates accepted into the durable inbox and dispatched to a no-op
 * handler, on SQLite (a temp file) and on PostgreSQL when TEST_POSTGRES_URL is set. The
 * baseline beside it is the bare inbox insert, so the ratio shows what dispatching costs.
 *
 *   npx tsx bench/intake.ts
 */
import type { Update } from "@grammyjs/types";
import pino from "pino";
import { systemClock } from "../src/clock.js";
import type { Database } from "../src/db/database.js";
import { Dispatcher } from "../src/runtime/intake/dispatcher.js";
import { Inbox } from "../src/runtime/intake/inbox.js";
import { botIn, openPostgresBench, openSqliteBench, type BenchDatabase } from "./databases.js";

const UPDATES = 20_000;
const CHATS = 200;

function update(id: number): Update {
  const chat = id % CHATS;
  return { update_id: id, message: { message_id: id, date: 0, chat: { id: chat, type: "private", first_name: "U" }, text: `m${id}` } } as Update;
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

async function bench(name: string, open: () => Promise<BenchDatabase>) {
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

await bench("SQLite", openSqliteBench);

const pgUrl = process.env.TEST_POSTGRES_URL;
if (pgUrl) await bench("PostgreSQL", () => openPostgresBench(pgUrl));
