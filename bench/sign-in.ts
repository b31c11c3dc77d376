// Sign-in latency over real HTTP on SQLite, against a baseline of an unauthenticated GET
// /healthz on the same server: the difference is the cost of argon2id and the session write.
// Run: npx tsx bench/sign-in.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { buildApp } from "../src/api/app.js";
import { loadConfig } from "../src/config.js";
import { createPlatform } from "../src/platform.js";
import { report, timeEach } from "./stats.js";

const dataDir = mkdtempSync(join(tmpdir(), "botyard-bench-"));
const config = loadConfig({ DATA_DIR: dataDir, SECRET_KEY: "bench", AUTH_LIMIT_PER_EMAIL: "100000", AUTH_LIMIT_PER_IP: "100000" });
const platform = await createPlatform(config, { log: pino({ level: "silent" }) });
const app = await buildApp(platform);
const base = await app.listen({ port: 0, host: "127.0.0.1" });

const post = (path: string, body: object) =>
  fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const credentials = { email: "bench@example.com", password: "a bench password" };
await post("/v2/auth", credentials);

const runs = 200;
const baseline = await timeEach(runs, () => fetch(`${base}/healthz`).then((r) => r.text()));
const signIn = await timeEach(runs, () => post("/v2/auth/sign_in", credentials).then((r) => r.text()));
const apiKey: string = (await (await post("/v2/auth/sign_in", credentials)).json()).data.api_key;
const authed = await timeEach(runs, () => fetch(`${base}/v2/user?api_key=${apiKey}`).then((r) => r.text()));

console.log(`${runs} sequential requests each, SQLite, over HTTP on loopback`);
console.log(report("GET /healthz (baseline)", baseline));
console.log(report("POST /v2/auth/sign_in (argon2id 19 MiB, t=2)", signIn, baseline));
console.log(report("GET /v2/user?api_key=", authed, baseline));

await app.close();
await platform.close();
rmSync(dataDir, { recursive: true, force: true });
