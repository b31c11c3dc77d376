import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs = 20_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`botyard exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(url);
      if (response.status === 200) return performance.now() - started;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no 200 from ${url} within ${timeoutMs} ms:\n${output()}`);
}

describe("the built platform as a process", () => {
  const children: ChildProcess[] = [];
  const folders: string[] = [];
  afterAll(() => {
    children.forEach((child) => child.kill("SIGKILL"));
    folders.forEach((folder) => rmSync(folder, { recursive: true, force: true }));
  });

  it("starts with an empty DATA_DIR and no environment, and answers /healthz", async () => {
    // `npm start` builds, then runs bin/botyard.js serve; the suite has built already, so run that.
    const cwd = mkdtempSync(join(tmpdir(), "botyard-start-"));
    folders.push(cwd);
    const port = await freePort();
    let output = "";
    const child = spawn(process.execPath, ["--no-node-snapshot", join(root, "bin/botyard.js")], {
      cwd,
      env: { PATH: process.env.PATH, PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));

    const elapsed = await waitForHealth(`http://127.0.0.1:${port}/healthz`, child, () => output);
    console.log(`botyard serve answered /healthz ${Math.round(elapsed)} ms after spawn`);
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: "ok" });
    expect(existsSync(join(cwd, "data/botyard.sqlite"))).toBe(true);
    expect(readdirSync(join(cwd, "data"))).toContain("secret_key");
    expect(output).toContain("Botyard is up");

    child.kill("SIGTERM");
    const code = await new Promise((done) => child.once("exit", done));
    expect(code).toBe(0);
  });

  it("explains itself with --help", async () => {
    const run = (args: string[]) =>
      new Promise<string>((done) => {
        const child = spawn(process.execPath, ["--no-node-snapshot", join(root, "bin/botyard.js"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (c) => (out += c));
        child.on("exit", () => done(out));
      });
    const overview = await run(["--help"]);
    for (const command of ["serve", "migrate", "emulator"]) expect(overview).toMatch(new RegExp(`^  ${command} `, "m"));
    expect(await run(["migrate", "--help"])).toContain("Usage: botyard migrate");
  });
});
