import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import { expect, vi } from "vitest";

export { freePort } from "./net.js";

const root = resolve(import.meta.dirname, "../..");

/**
 * One `botyard serve` process of the built project, started directly or as `npm start` runs
 * it (`viaNpm`, from the project's folder), with only PATH and HOME from this environment
 * plus `env`; `up` resolves once /healthz answers.
 */
export class ServeProcess {
  readonly child: ChildProcess;
  output = "";

  constructor(env: Record<string, string>, options: { cwd?: string; viaNpm?: boolean } = {}) {
    const [command, args] = options.viaNpm
      ? ["npm", ["start", "--silent"]]
      : [process.execPath, ["--no-node-snapshot", join(root, "bin/botyard.js"), "serve"]];
    this.child = spawn(command, args, {
      cwd: options.viaNpm ? root : options.cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout!.on("data", (chunk) => (this.output += chunk));
    this.child.stderr!.on("data", (chunk) => (this.output += chunk));
  }

  async up(url: string): Promise<void> {
    await vi.waitFor(
      async () => {
        if (this.child.exitCode !== null) throw new Error(`botyard exited with ${this.child.exitCode}:\n${this.output}`);
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
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
