import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, vi } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/telegram/emulator/index.js";
import { freePort } from "./net.js";

export { freePort };

const root = resolve(import.meta.dirname, "../..");

/**
 * One `botyard serve` (or `api`, `worker`: `role`) process of the built project, started
 * directly or as `npm start` runs it (`viaNpm`, from the project's folder), with only PATH
 * and HOME from this environment plus `env`; `up` resolves once /healthz (or `probe`) answers.
 */
export class ServeProcess {
  readonly child: ChildProcess;
  output = "";

  constructor(env: Record<string, string>, options: { cwd?: string; viaNpm?: boolean; role?: "serve" | "api" | "worker" } = {}) {
    const [command, args] = options.viaNpm
      ? ["npm", ["start", "--silent"]]
      : [process.execPath, ["--no-node-snapshot", join(root, "bin/botyard.js"), options.role ?? "serve"]];
    this.child = spawn(command, args, {
      cwd: options.viaNpm ? root : options.cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout!.on("data", (chunk) => (this.output += chunk));
    this.child.stderr!.on("data", (chunk) => (this.output += chunk));
  }

  async up(url: string, probe = "/healthz"): Promise<void> {
    await vi.waitFor(
      async () => {
        if (this.child.exitCode !== null) throw new Error(`botyard exited with ${this.child.exitCode}:\n${this.output}`);
        expect((await fetch(`${url}${probe}`)).status).toBe(200);
      },
      { timeout: 60_000, interval: 50 },
    );
  }

  /** Sends the signal and answers the exit code (null when killed by it). */
  async end(signal: NodeJS.Signals): Promise<number | null> {
    const exited = new Promise<number | null>((done) => this.child.once("exit", (code) => done(code)));
    this.child.kill(signal);
    return exited;
  }
}

/** The CLI's path, for tests that run other subcommands. */
export const cliPath = join(root, "bin/botyard.js");

/** What one run of the built CLI printed, and how it ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to its end with `args`, only PATH from this environment plus `env`. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((done) => {
    // Killed after a minute, so a run that should have failed cannot outlive its test as a server.
    const child = spawn(process.execPath, ["--no-node-snapshot", cliPath, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    });
    const run = { code: null as number | null, stdout: "", stderr: "" };
    child.stdout.on("data", (chunk) => (run.stdout += chunk));
    child.stderr.on("data", (chunk) => (run.stderr += chunk));
    child.on("close", (code) => done({ ...run, code }));
  });
}

/**
 * A platform served as a real process against an in-process emulator (limits off, and the
 * sender's pacing with them: tests send faster than Telegram would allow), with a
 * fresh data folder: `serve()` starts one (`up` waited for) and `call` speaks the API. Every
 * process started is killed after the suite.
 */
export function useServedPlatform(env: Record<string, string> = {}) {
  const state = {} as { emulator: RunningEmulator; dataDir: string; port: number };
  const processes: ServeProcess[] = [];
  beforeAll(async () => {
    state.emulator = await startEmulator({ limits: { enabled: false } });
    state.dataDir = mkdtempSync(join(tmpdir(), "botyard-served-"));
    state.port = await freePort();
  });
  afterAll(async () => {
    processes.forEach((serve) => serve.child.kill("SIGKILL"));
    await state.emulator?.close();
    rmSync(state.dataDir, { recursive: true, force: true });
  });
  const url = () => `http://127.0.0.1:${state.port}`;
  return {
    get emulator() {
      return state.emulator;
    },
    get dataDir() {
      return state.dataDir;
    },
    url,
    /** Starts a platform process on the suite's port and data, and waits until it answers. */
    async serve(): Promise<ServeProcess> {
      const started = new ServeProcess({ DATA_DIR: state.dataDir, PORT: String(state.port), HOST: "127.0.0.1", TELEGRAM_API_ROOT: state.emulator.apiRoot, TELEGRAM_LIMITS: "off", LOG_LEVEL: "warn", ...env });
      processes.push(started);
      await started.up(url());
      return started;
    },
    /** An API call; a non-2xx answer throws with its body. */
    async call(method: string, path: string, body?: unknown) {
      const response = await fetch(`${url()}${path}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const json = await response.json();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    },
  };
}
