import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/telegram/emulator/index.js";
import { freePort, ServeProcess } from "../support/serve-process.js";

/** The worst BJS we know: each command attacks the sandbox another way. */
const ATTACKS = {
  "/loop": "while (true) {}",
  "/stall": "new Array(6e7).fill(1)",
  "/huge": "throw new Error('y'.repeat(5e7))",
  "/fan": "for (var i = 0; i < 40; i++) Bot.runCommand('/fan')",
  "/late": "(async function () { await null; for (;;) {} })()",
  "/bomb": "var a = []; while (true) a.push(new Array(9999).fill(a.length + 0.5))",
};

/** Bound on a calm bot's reply time while another owner's bots attack. */
const P99_BOUND_MS = 1000;

describe("one owner's hostile bots against one process", () => {
  let emulator: RunningEmulator;
  let dataDir: string;
  const processes: ServeProcess[] = [];
  beforeAll(async () => {
    emulator = await startEmulator({ limits: { enabled: false } });
    dataDir = mkdtempSync(join(tmpdir(), "botyard-hostile-"));
  });
  afterAll(async () => {
    processes.forEach((serve) => serve.child.kill("SIGKILL"));
    await emulator?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps another owner's bot answering within a bound, stays alive, and restarts without a crash loop", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = { DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", TELEGRAM_API_ROOT: emulator.apiRoot, LOG_LEVEL: "fatal", FREE_PLAN_COMMAND_TIMEOUT_S: "2" };
    const serve = async () => {
      const started = new ServeProcess(env);
      processes.push(started);
      await started.up(url);
      return started;
    };
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const json = await response.json();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    };
    const owner = async (email: string) => (await call("POST", "/v2/auth", { email, password: "correct horse battery" })).data.api_key as string;
    const startedBot = async (apiKey: string, username: string, commands: Record<string, string>) => {
      const tg = await emulator.client.registerBot({ username });
      const bot = await call("POST", `/v2/bots?api_key=${apiKey}`, { name: username, token: tg.token });
      for (const [command, bjs_code] of Object.entries(commands)) await call("POST", `/v2/bots/${bot.id}/commands?api_key=${apiKey}`, { command, bjs_code });
      expect((await call("POST", `/v2/bots/${bot.id}/status?api_key=${apiKey}`, { status: "start_launch" })).status).toBe("works");
      return tg;
    };

    let platform = await serve();
    const attacker = await owner("mallory@example.com");
    const victim = await owner("alice@example.com");
    const hostileBots = await Promise.all([1, 2, 3].map((n) => startedBot(attacker, `hostile_${n}_bot`, ATTACKS)));
    const calm = await startedBot(victim, "calm_bot", { "/ping": "Bot.sendMessage('pong')" });
    const alice = await emulator.client.createUser({ first_name: "Alice" });
    const calmChat = await alice.privateChat(calm);

    /** Every attack from several chats of every hostile bot, all at once. */
    const attack = async () => {
      for (const bot of hostileBots) {
        for (let n = 0; n < 3; n++) {
          const mallory = await emulator.client.createUser({ first_name: `Mallory ${n}` });
          const chat = await mallory.privateChat(bot);
          for (const command of Object.keys(ATTACKS)) await mallory.sendText(chat, command);
        }
      }
    };
    /** The calm bot's reply times to pings sent one after another. */
    const pings = async (count: number) => {
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const sent = performance.now();
        await alice.sendText(calmChat, "/ping");
        expect((await calmChat.waitForReply({ timeoutMs: 10_000 })).text).toBe("pong");
        times.push(performance.now() - sent);
      }
      return times.sort((a, b) => a - b);
    };

    await attack();
    const during = await pings(40);
    const p99 = during[Math.ceil(during.length * 0.99) - 1]!;
    console.log(`calm bot under attack: p50 ${during[during.length >> 1]!.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms (bound ${P99_BOUND_MS} ms)`);
    expect(p99).toBeLessThan(P99_BOUND_MS);
    expect(platform.child.exitCode).toBeNull();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    // Killed mid-attack, with hostile updates still pending: the next process resumes them
    // and keeps serving; it does not die on them.
    await attack();
    expect(await platform.end("SIGKILL")).toBeNull();
    platform = await serve();
    const after = await pings(10);
    expect(after.at(-1)!).toBeLessThan(10_000);
    expect(platform.child.exitCode).toBeNull();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(await platform.end("SIGTERM")).toBe(0);
  }, 180_000);
});
