import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { EmulatorClient } from "../../../src/telegram/emulator/index.js";
import { botApi } from "./harness.js";

const root = resolve(import.meta.dirname, "../../..");

describe("botyard emulator (as a process)", () => {
  it("prints its API root, serves bots and the control API, and stops on SIGTERM", async () => {
    // Through main() as bin/botyard.js calls it, run from source by tsx.
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "-e", "import('./src/main.ts').then((m) => m.main(['emulator', '--port', '0', '--no-limits']))"],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stderr.on("data", (chunk) => (output += chunk));
    const apiRoot = await new Promise<string>((done, fail) => {
      child.stdout.on("data", (chunk) => {
        output += chunk;
        const found = /API root: (http:\/\/\S+)/.exec(output);
        if (found) done(found[1]!);
      });
      child.once("exit", (code) => fail(new Error(`exited with ${code}:\n${output}`)));
    });
    expect(output).toContain("limits:   off");

    const client = new EmulatorClient(apiRoot);
    const bot = await client.registerBot({ username: "cli_bot" });
    expect((await botApi(apiRoot, bot.token)("getMe")).body.result.username).toBe("cli_bot");

    // After a reset (as after a restart) the same bot's updates carry higher ids: a platform drops an id it has handled.
    const updateIdAfter = async (registered: typeof bot) => {
      const user = await client.createUser({ first_name: "Ann" });
      await user.sendText(await user.privateChat(registered), "hi");
      const [update] = (await botApi(apiRoot, registered.token)("getUpdates")).body.result;
      return update.update_id as number;
    };
    const first = await updateIdAfter(bot);
    await client.reset();
    expect(await updateIdAfter(await client.registerBot({ token: bot.token, username: "cli_bot" }))).toBeGreaterThan(first);

    const exited = new Promise<number | null>((done) => child.once("exit", done));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
