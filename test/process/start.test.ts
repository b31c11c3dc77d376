import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliPath, freePort, ServeProcess } from "../support/serve-process.js";

describe("the built platform as a process", () => {
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

  it("explains itself with --help", async () => {
    const run = (args: string[]) =>
      new Promise<string>((done) => {
        const child = spawn(process.execPath, ["--no-node-snapshot", cliPath, ...args], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (c) => (out += c));
        child.on("exit", () => done(out));
      });
    const overview = await run(["--help"]);
    for (const command of ["serve", "migrate", "emulator"]) expect(overview).toMatch(new RegExp(`^  ${command} `, "m"));
    expect(await run(["migrate", "--help"])).toContain("Usage: botyard migrate");
  });
});
