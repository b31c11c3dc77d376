import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenOnLoopback } from "../support/net.js";
import { runCli, type CliRun } from "../support/serve-process.js";

const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../package.json"), "utf8"));

/** A CLI answer a person can act on: one `botyard:` line first, and no stack trace anywhere. */
function expectOneLine(run: CliRun, code: number, line: string): void {
  expect(run.code).toBe(code);
  expect(run.stderr.split("\n")[0]).toBe(`botyard: ${line}`);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

// Each case starts node processes, which take seconds on a busy machine.
describe("the botyard command line", { timeout: 90_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "botyard-cli-"));
  let busy: Server;
  let busyPort = "";
  beforeAll(async () => {
    busy = createServer();
    busyPort = new URL(await listenOnLoopback(busy)).port;
  });
  afterAll(() => {
    busy.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints its version", async () => {
    for (const flag of ["--version", "-v"]) {
      expect(await runCli([flag])).toEqual({ code: 0, stdout: `botyard ${version}\n`, stderr: "" });
    }
  });

  it("prints the help when run bare, and serves nothing", async () => {
    const run = await runCli([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: botyard <command> [options]");
    for (const command of ["serve", "api", "worker", "migrate", "emulator"]) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
  });

  it("answers an unknown command or option with one line and the help", async () => {
    const unknownCommand = await runCli(["sevre"]);
    expectOneLine(unknownCommand, 2, "Unknown command 'sevre'");
    expect(unknownCommand.stderr).toContain("Usage: botyard <command> [options]");

    const unknownOption = await runCli(["serve", "--prot", "3000"]);
    expectOneLine(unknownOption, 2, "Unknown option '--prot'");
    expect(unknownOption.stderr).toContain("Usage: botyard serve");

    expectOneLine(await runCli(["--port", "3000"]), 2, "Unknown option '--port'; name a command first");
    expectOneLine(await runCli(["migrate", "now"]), 2, "Unexpected argument 'now'");
  });

  it("answers a bad value with one line and the command's help", async () => {
    const port = await runCli(["emulator", "--port", "eighty"]);
    expectOneLine(port, 2, "--port must be a whole number from 0 to 65535, got 'eighty'");
    expect(port.stderr).toContain("Usage: botyard emulator");
    expectOneLine(await runCli(["serve", "--port", "70000"]), 2, "--port must be a whole number from 0 to 65535, got '70000'");
    expectOneLine(await runCli(["serve", "--port"]), 2, "Option '--port <value>' argument missing");
    // A setting from the environment is not a command-line mistake: one line, no help.
    const setting = await runCli(["serve"], { DATA_DIR: dataDir, SECRET_KEY: "k", BJS_ISOLATES: "none" });
    expectOneLine(setting, 1, "BJS_ISOLATES must be a whole number of at least 1, got 'none'.");
    expect(setting.stderr).not.toContain("Usage:");
  });

  it("runs the api and worker roles only over PostgreSQL and Redis with one secret key, saying what to set", async () => {
    const untouched = mkdtempSync(join(tmpdir(), "botyard-roles-"));
    const bare = await runCli(["api"], { DATA_DIR: untouched });
    expectOneLine(
      bare,
      1,
      "botyard api needs DATABASE_URL (PostgreSQL), REDIS_URL and SECRET_KEY, the same for every api and worker process: set DATABASE_URL, REDIS_URL, SECRET_KEY (or run botyard serve, everything in one process).",
    );
    const shared = { DATA_DIR: untouched, DATABASE_URL: "postgres://postgres@127.0.0.1:5432/postgres", REDIS_URL: "redis://127.0.0.1:6379" };
    expectOneLine(
      await runCli(["worker"], shared),
      1,
      "botyard worker needs DATABASE_URL (PostgreSQL), REDIS_URL and SECRET_KEY, the same for every api and worker process: set SECRET_KEY (or run botyard serve, everything in one process).",
    );
    expectOneLine(await runCli(["worker"], { ...shared, SECRET_KEY: "k", JOB_QUEUE: "embedded" }), 1, "botyard worker shares its jobs through Redis: unset JOB_QUEUE (embedded is for botyard serve alone).");
    // Refused before anything is written: no secret key generated in DATA_DIR.
    expect(readdirSync(untouched)).toEqual([]);
    rmSync(untouched, { recursive: true });
    const help = await runCli(["worker", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: botyard worker [--port N] [--host H]");
    expect(help.stdout).toContain("overrides WORKER_PORT, default 3001");
    expect((await runCli(["api", "--help"])).stdout).toContain("Usage: botyard api [--port N] [--host H]");
  });

  it("says which port is busy and what to do", async () => {
    const serve = await runCli(["serve", "--host", "127.0.0.1", "--port", busyPort], { DATA_DIR: dataDir, SECRET_KEY: "k" });
    expectOneLine(
      serve,
      1,
      `Port ${busyPort} on 127.0.0.1 is already in use. Stop the program using it, or choose another port (PORT=N npm start, or botyard serve --port N).`,
    );
    const emulator = await runCli(["emulator", "--port", busyPort]);
    expectOneLine(emulator, 1, `Port ${busyPort} on 127.0.0.1 is already in use. Stop the program using it, or choose another port (--port N).`);
  });
});
