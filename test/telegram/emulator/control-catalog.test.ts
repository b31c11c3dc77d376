import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../../src/telegram/emulator/index.js";
import { controlMethods } from "../../../src/telegram/emulator/control.js";

describe("the control API's own description", () => {
  let running: RunningEmulator;
  beforeAll(async () => {
    running = await startEmulator();
  });
  afterAll(() => running.close());

  it("answers GET /control with every control method, its parameters and what it does", async () => {
    const response = await fetch(`${running.url}/control`);
    expect(response.status).toBe(200);
    const { ok, result } = (await response.json()) as { ok: boolean; result: { method: string; params: string; description: string }[] };
    expect(ok).toBe(true);
    expect(result.map((m) => m.method).sort()).toEqual([...controlMethods].sort());
    expect(result.find((m) => m.method === "sendText")).toEqual({
      method: "sendText",
      params: "{user_id, chat_id, bot_id?, text, reply_to_message_id?}",
      description: "The user sends a text message (commands included); answers the Message.",
    });
    expect((await fetch(`${running.url}/control/nothing`, { method: "POST" })).status).toBe(404);
  });

  it("is what docs/emulator.md lists", async () => {
    const doc = readFileSync(resolve(import.meta.dirname, "../../../docs/emulator.md"), "utf8");
    const { result } = (await (await fetch(`${running.url}/control`)).json()) as { result: { method: string; params: string; description: string }[] };
    const missing = result.filter((m) => !doc.includes(`| \`${m.method}\` | \`${m.params}\` | ${m.description} |`)).map((m) => m.method);
    expect(missing, "docs/emulator.md must list these control methods as GET /control describes them").toEqual([]);
  });
});
