// Command create and 50-command page latency on a bot with 1,000 commands, on SQLite and on
// PostgreSQL, through app.inject (no network), against a baseline of GET /v2/user (auth and
// one read) on the same platform.
// Run: npx tsx bench/commands.ts   (PostgreSQL from BENCH_POSTGRES_URL, default the local server;
// a fresh database is created and dropped)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import pino from "pino";
import { buildApp } from "../src/api/app.js";
import { loadConfig } from "../src/config.js";
import { createPlatform } from "../src/platform.js";
import { report, timeEach } from "./stats.js";

const COMMANDS = 1000;
const PAGES = 300;

async function bench(engine: string, env: Record<string, string>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "botyard-bench-"));
  const platform = await createPlatform(loadConfig({ DATA_DIR: dataDir, SECRET_KEY: "bench", ...env }), { log: pino({ level: "silent" }) });
  const app = await buildApp(platform);
  try {
    const signUp = await app.inject({ method: "POST", url: "/v2/auth", payload: { email: "bench@example.com", password: "a bench password" } });
    const key = signUp.json().data.api_key as string;
    const bot = (await app.inject({ method: "POST", url: `/v2/bots?api_key=${key}`, payload: { name: "Bench" } })).json();
    const base = `/v2/bots/${bot.id}`;
    const folder = (await app.inject({ method: "POST", url: `${base}/commands_folders?api_key=${key}`, payload: { title: "Menu" } })).json();

    const baseline = await timeEach(PAGES, () => app.inject({ method: "GET", url: `/v2/user?api_key=${key}` }));
    const create = await timeEach(COMMANDS, async (i) => {
      const response = await app.inject({
        method: "POST",
        url: `${base}/commands?api_key=${key}`,
        payload: { command: `/command${i}`, aliases: `alias${i}, other${i}`, answer: `Answer ${i}`, bjs_code: `Bot.sendMessage("${i}")`, commands_folder_id: i % 2 ? folder.id : null },
      });
      if (response.statusCode !== 200) throw new Error(response.body);
    });
    const page = await timeEach(PAGES, async (i) => {
      const response = await app.inject({ method: "GET", url: `${base}/commands?per_page=50&page=${(i % 20) + 1}&api_key=${key}` });
      if (response.json().length !== 50) throw new Error("short page");
    });
    const search = await timeEach(PAGES, () => app.inject({ method: "GET", url: `${base}/commands?q=other99&api_key=${key}` }));

    console.log(`${engine}: ${COMMANDS} commands created, then ${PAGES} page reads, in sequence through app.inject`);
    console.log(report("  GET /v2/user (baseline)", baseline));
    console.log(report("  POST commands (create, 2 aliases)", create, baseline));
    console.log(report("  GET commands?per_page=50 (page of 50)", page, baseline));
    console.log(report("  GET commands?q= (search names, aliases)", search, baseline));
  } finally {
    await app.close();
    await platform.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await bench("SQLite", {});

const serverUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const name = `botyard_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: serverUrl });
try {
  await admin.connect();
} catch (error) {
  console.log(`PostgreSQL: skipped, ${serverUrl} unreachable (${(error as Error).message})`);
  process.exit(0);
}
await admin.query(`CREATE DATABASE ${name}`);
try {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await bench("PostgreSQL", { DATABASE_URL: url.toString() });
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
