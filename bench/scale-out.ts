/**
 * Scale-out throughput: updates per second through one `botyard api` with one worker, then
 * with two, in the same run (the same bots, chats and update mix; the emulator as Telegram,
 * in this process, posting webhooks to the api). Each update runs BJS that reads and writes a
 * user property and sends one reply; a phase ends when every reply has arrived. Prints the
 * rates and their ratio, and where the time went: CPU seconds per process in each phase (the
 * api, each worker with its BJS sandboxes, this process with the emulator, PostgreSQL's
 * backends serving this run's database, and the whole Redis server, which other programs on
 * the machine may share), with the load average.
 *
 *   npm run build && npx tsx bench/scale-out.ts [--updates 2000] [--chats 200] [--bots 4]
 *
 * Needs PostgreSQL (TEST_POSTGRES_URL or the local server) and Redis (TEST_REDIS_URL or the
 * local one); runs the built CLI (dist/). Loopback only; it stops by itself.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import pg from "pg";
import { directTransport, EmulatorClient, startEmulator, type ChatHandle, type UserHandle } from "../src/telegram/emulator/index.js";
import { freePort } from "../test/support/net.js";

const { values } = parseArgs({ options: { updates: { type: "string", default: "2000" }, chats: { type: "string", default: "200" }, bots: { type: "string", default: "4" } } });
const UPDATES = Number(values.updates);
const CHATS = Number(values.chats);
const BOTS = Number(values.bots);
const root = resolve(import.meta.dirname, "..");
const TICKS_PER_S = 100; // getconf CLK_TCK on Linux

// ---- CPU per process, from /proc -------------------------------------------------------

interface Stat {
  comm: string;
  ppid: number;
  /** utime + stime of the process, and of its children it has waited for, in seconds. */
  own: number;
  reaped: number;
}

function stat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const fields = text.slice(close + 2).split(" ");
    // After "pid (comm) ": state ppid ... utime(14) stime(15) cutime(16) cstime(17), counted from 1.
    const at = (n: number) => Number(fields[n - 3]);
    return { comm: text.slice(text.indexOf("(") + 1, close), ppid: at(4), own: (at(14) + at(15)) / TICKS_PER_S, reaped: (at(16) + at(17)) / TICKS_PER_S };
  } catch {
    return undefined;
  }
}

const allPids = () => readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number);

/** CPU seconds of a process and every descendant (a worker's BJS sandboxes), the ones it reaped included. */
function treeCpu(pid: number): number {
  const stats = new Map(allPids().map((p) => [p, stat(p)] as const));
  const inTree = (p: number): boolean => p === pid || (p > 1 && stats.get(p) !== undefined && inTree(stats.get(p)!.ppid));
  let sum = 0;
  for (const [p, s] of stats) if (s && inTree(p)) sum += s.own + (p === pid ? s.reaped : 0);
  return sum;
}

/** CPU seconds of every process named `comm` (the Redis server). */
const namedCpu = (comm: string) => allPids().reduce((sum, p) => sum + (stat(p)?.comm === comm ? stat(p)!.own : 0), 0);

// ---- The cluster: PostgreSQL database, Redis prefix, api and worker processes ---------

const serverUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const database = `botyard_bench_${randomBytes(4).toString("hex")}`;
const prefix = `bench-${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${database}`;

/** CPU seconds of the PostgreSQL backends serving this run's database, by pid (they live as long as the pools). */
async function postgresCpu(): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [database]);
  return new Map(rows.map(({ pid }) => [pid, stat(pid)?.own ?? 0]));
}

const emulator = await startEmulator({ limits: { enabled: false }, webhook: { retryBaseMs: 50 } });
const apiPort = await freePort();
const apiUrl = `http://127.0.0.1:${apiPort}`;
const env = {
  PATH: process.env.PATH!,
  HOME: process.env.HOME!,
  DATABASE_URL: dbUrl.toString(),
  REDIS_URL: redisUrl,
  REDIS_PREFIX: prefix,
  SECRET_KEY: "bench-scale-out",
  PORT: String(apiPort),
  HOST: "127.0.0.1",
  PUBLIC_URL: apiUrl,
  TELEGRAM_API_ROOT: emulator.apiRoot,
  TELEGRAM_LIMITS: "off",
  LOG_LEVEL: "warn",
  BJS_ISOLATES: "1",
  FREE_PLAN_ITERATIONS: "10000000",
};
const processes: ChildProcess[] = [];

/** Starts a role of the built CLI and waits until its /readyz answers 200. */
async function start(role: "api" | "worker"): Promise<ChildProcess> {
  const port = role === "api" ? apiPort : await freePort();
  const child = spawn(process.execPath, ["--no-node-snapshot", join(root, "bin/botyard.js"), role], { env: { ...env, WORKER_PORT: String(port) }, stdio: ["ignore", "inherit", "inherit"] });
  processes.push(child);
  for (const started = Date.now(); Date.now() - started < 120_000; await new Promise((done) => setTimeout(done, 100))) {
    if (child.exitCode !== null) throw new Error(`botyard ${role} exited with ${child.exitCode}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false);
    if (ready) return child;
  }
  throw new Error(`botyard ${role} was not ready within 2 minutes`);
}

async function call(method: string, path: string, apiKey: string | undefined, body: unknown): Promise<any> {
  const response = await fetch(`${apiUrl}${path}${apiKey ? `?api_key=${apiKey}` : ""}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

// ---- The run ---------------------------------------------------------------------------

try {
  const api = await start("api");
  const workers = [await start("worker")];
  const client = new EmulatorClient(directTransport(emulator.control));

  const owner = await call("POST", "/v2/auth", undefined, { email: "bench@example.com", password: "correct horse battery" });
  const apiKey = owner.data.api_key as string;
  const talkers: { user: UserHandle; chat: ChatHandle }[] = [];
  for (let b = 0; b < BOTS; b++) {
    const telegram = await client.registerBot({ username: `bench_scale_${b}_bot` });
    const { id } = await call("POST", "/v2/bots", apiKey, { name: telegram.username, token: telegram.token });
    const code = 'var n = (User.getProperty("count") || 0) + 1; User.setProperty("count", n, "integer"); Bot.sendMessage("re " + message + " #" + n);';
    await call("POST", `/v2/bots/${id}/commands`, apiKey, { command: "*", bjs_code: code });
    await call("POST", `/v2/bots/${id}/status`, apiKey, { status: "start_launch" });
    for (let c = b; c < CHATS; c += BOTS) {
      const user = await client.createUser({ first_name: `U${c}` });
      talkers.push({ user, chat: await user.privateChat(telegram) });
    }
  }

  const replies = () => emulator.emulator.counters.calls.sendMessage ?? 0;
  /** Sends UPDATES updates round the chats and answers updates/s until every reply is in, with CPU per process. */
  async function phase(label: string) {
    const target = replies() + UPDATES;
    const pids = { api: api.pid!, ...Object.fromEntries(workers.map((worker, i) => [`worker ${i + 1}`, worker.pid!])) };
    const cpuBefore = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, treeCpu(pid)]));
    const pgBefore = await postgresCpu();
    const redisBefore = namedCpu("redis-server");
    const selfBefore = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < UPDATES; i++) {
      const { user, chat } = talkers[i % talkers.length]!;
      await user.sendText(chat, String(i));
    }
    while (replies() < target) await new Promise((done) => setTimeout(done, 10));
    const seconds = (performance.now() - started) / 1000;
    const pgAfter = await postgresCpu();
    const self = process.cpuUsage(selfBefore);
    const cpu: Record<string, number> = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, treeCpu(pid) - cpuBefore[name]!]));
    cpu["bench + emulator"] = (self.user + self.system) / 1e6;
    cpu["postgres (this database)"] = [...pgAfter].reduce((sum, [pid, after]) => sum + after - (pgBefore.get(pid) ?? 0), 0);
    cpu["redis-server (whole)"] = namedCpu("redis-server") - redisBefore;
    const perSecond = UPDATES / seconds;
    const where = Object.entries(cpu).map(([name, s]) => `${name} ${s.toFixed(1)} s (${Math.round((100 * s) / seconds)}%)`).join(", ");
    console.log(`${label}: ${UPDATES} updates in ${seconds.toFixed(1)} s = ${Math.round(perSecond)} updates/s; CPU: ${where}; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
    return perSecond;
  }

  console.log(`${BOTS} bots, ${CHATS} chats, ${UPDATES} updates a phase; each update: BJS reads and writes a user property and sends one reply`);
  await phase("warm-up, one worker");
  const one = await phase("one worker");
  workers.push(await start("worker"));
  await phase("warm-up, two workers");
  const two = await phase("two workers");
  console.log(`two workers / one worker: ${(two / one).toFixed(2)}`);
} finally {
  processes.forEach((child) => child.kill("SIGKILL"));
  await emulator.close();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
  const redis = new Redis(redisUrl);
  for (let cursor = "0"; ; ) {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    if ((cursor = next) === "0") break;
  }
  redis.disconnect();
}
