import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, runCli, ServeProcess } from "../support/serve-process.js";

// Each case starts the server, which takes seconds on a busy machine.
describe("the built platform as a process", { timeout: 90_000 }, () => {
  const processes: ServeProcess[] = [];
  const folders: string[] = [];
  afterAll(() => {
    processes.forEach((serve) => serve.child.kill("SIGKILL"));
    folders.forEach((folder) => rmSync(folder, { recursive: true, force: true }));
  });

  it("starts with an empty DATA_DIR and no environment, and answers /healthz", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "botyard-start-"));
    folders.push(cwd);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const started = performance.now();
    const serve = new ServeProcess({ PORT: String(port) }, { cwd });
    processes.push(serve);

    await serve.up(url);
    console.log(`botyard serve answered /healthz ${Math.round(performance.now() - started)} ms after spawn`);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
    expect(existsSync(join(cwd, "data/botyard.sqlite"))).toBe(true);
    expect(readdirSync(join(cwd, "data"))).toContain("secret_key");
    expect(serve.output).toContain("Botyard is up");
    expect(await serve.end("SIGTERM")).toBe(0);
  });

  it("explains a subcommand with --help", async () => {
    const run = await runCli(["migrate", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: botyard migrate");
  });

  it.each(["SIGTERM", "SIGINT"] as const)("stops cleanly on %s sent to `npm start`", async (signal) => {
    const dataDir = mkdtempSync(join(tmpdir(), "botyard-npm-start-"));
    folders.push(dataDir);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const serve = new ServeProcess({ PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir }, { viaNpm: true });
    processes.push(serve);
    await serve.up(url);
    expect(await serve.end(signal)).toBe(0);
    expect(serve.output).toContain(`${signal} received: shutting down`);
    // Its last line says so: a log alone tells a clean stop from a crash.
    expect(serve.output.trim().split("\n").at(-1)).toContain("stopped cleanly");
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it("logs JSON lines when its output is not a terminal, and lines for people when asked", async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), "botyard-logs-"));
    folders.push(dataDir);
    const json = new ServeProcess({ PORT: String(port), DATA_DIR: dataDir });
    processes.push(json);
    await json.up(`http://127.0.0.1:${port}`);
    expect(await json.end("SIGTERM")).toBe(0);
    const lines = json.output.trim().split("\n");
    expect(lines.map((line) => JSON.parse(line).msg)).toContain(`Botyard is up: dashboard at http://localhost:${port}/, API docs at /docs`);

    const pretty = new ServeProcess({ PORT: String(port), DATA_DIR: dataDir, LOG_FORMAT: "pretty" });
    processes.push(pretty);
    await pretty.up(`http://127.0.0.1:${port}`);
    expect(await pretty.end("SIGTERM")).toBe(0);
    expect(pretty.output).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  Botyard is up: dashboard at http://localhost:${port}/, API docs at /docs engine=`, "m"));
    expect(pretty.output).not.toContain('"level"');
  });
});
