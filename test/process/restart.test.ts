import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it, vi } from "vitest";
import type { ChatHandle } from "../../src/telegram/emulator/index.js";
import { useServedPlatform } from "../support/serve-process.js";

describe("a bot across process restarts", () => {
  const served = useServedPlatform();

  it("goes on after a clean stop and after a kill, handling the updates that were waiting", async () => {
    const { emulator, call } = served;
    const serve = () => served.serve();
    const dataDir = served.dataDir;

    let first = await serve();
    const apiKey = (await call("POST", "/v2/auth", { email: "restart@example.com", password: "correct horse battery" })).data.api_key as string;
    const tg = await emulator.client.registerBot({ username: "restart_bot" });
    const bot = await call("POST", `/v2/bots?api_key=${apiKey}`, { name: "Restart", token: tg.token });
    for (const [command, answer] of [["/start", "Hello"], ["/one", "One"], ["/two", "Two"], ["/three", "Three"]]) {
      await call("POST", `/v2/bots/${bot.id}/commands?api_key=${apiKey}`, { command, answer });
    }
    expect((await call("POST", `/v2/bots/${bot.id}/status?api_key=${apiKey}`, { status: "start_launch" })).status).toBe("works");

    const alice = await emulator.client.createUser({ first_name: "Alice" });
    const chat = await alice.privateChat(tg);
    await alice.start(chat);
    expect((await chat.waitForReply({ timeoutMs: 10_000 })).text).toBe("Hello");

    // A clean stop (SIGTERM) leaves the bot "works", so the next process polls for it again.
    expect(await first.end("SIGTERM")).toBe(0);
    first = await serve();
    expect((await call("GET", `/v2/bots/${bot.id}?api_key=${apiKey}`)).status).toBe("works");
    await alice.start(chat);
    expect((await chat.waitForReply({ timeoutMs: 10_000 })).text).toBe("Hello");

    // Slow replies: /one is being handled while /two and /three wait in the inbox. Then a kill.
    await emulator.client.setLatency({ method: "sendMessage", ms: 2000 });
    for (const command of ["one", "two", "three"]) await alice.command(chat, command);
    const inbox = new BetterSqlite3(join(dataDir, "botyard.sqlite"), { readonly: true, fileMustExist: true });
    try {
      await vi.waitFor(() => expect(inbox.prepare("select count(*) as n from update_inbox where status = 'pending'").get()).toEqual({ n: 3 }), { timeout: 10_000, interval: 20 });
    } finally {
      inbox.close();
    }
    expect(await first.end("SIGKILL")).toBeNull();
    await emulator.client.setLatency({ method: "sendMessage", ms: 0 });

    const second = await serve();
    // At least once: /one may have been answered by the killed process's last call too.
    expect(collapseRepeats(await repliesUntil(chat, "Three"))).toEqual(["One", "Two", "Three"]);
    await alice.start(chat);
    expect((await chat.waitForReply({ timeoutMs: 10_000 })).text).toBe("Hello");
    expect(await second.end("SIGTERM")).toBe(0);
  }, 90_000);
});

/** The bot's replies in the chat, up to and including the one with `last` text. */
async function repliesUntil(chat: ChatHandle, last: string): Promise<string[]> {
  const texts: string[] = [];
  while (texts.at(-1) !== last) texts.push((await chat.waitForReply({ timeoutMs: 15_000 })).text ?? "");
  return texts;
}

function collapseRepeats(texts: string[]): string[] {
  return texts.filter((text, i) => text !== texts[i - 1]);
}
