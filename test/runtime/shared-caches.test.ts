import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { Platform } from "../../src/platform.js";
import { createProcessing, type Processing } from "../../src/runtime/processing.js";
import { useSharedPlatforms } from "../support/shared-platforms.js";

/**
 * Two processes on one PostgreSQL schema and one Redis: a write through one drops the other's
 * cached copy (pub/sub), so its next read sees it. Neither cache has a TTL that could explain
 * it (bot rows are kept until told; owner rows 5 s on a fake clock that does not move).
 */
describe.skipIf(!inject("postgresUrl"))("caches shared by two processes", () => {
  const shared = useSharedPlatforms();
  let a: Platform;
  let b: Platform;
  let processingB: Processing;
  let ownerId: number;
  let botId: number;

  beforeAll(async () => {
    a = await shared.add();
    b = await shared.add();
    processingB = createProcessing(b, { executor: { isolates: 1 } });
    const owner = await a.users.create({ email: "shared@example.com", passwordHash: null, plan: "free" });
    ownerId = owner.id;
    const token = "123456:" + "x".repeat(35);
    const bot = await a.bots.store.insert(ownerId, { name: "first", ...a.bots.store.tokenFields(token) });
    botId = bot!.id;
    await a.bots.store.setStatus(botId, { status: "works" });
  });
  afterAll(() => processingB?.close());

  it("drops the other process's bot row (and so its command book) when one process writes it", async () => {
    expect((await b.bots.store.byId(botId))?.name).toBe("first");
    await a.bots.store.update(botId, { name: "second" });
    await vi.waitFor(async () => expect((await b.bots.store.byId(botId))?.name).toBe("second"));

    const versionBefore = (await b.bots.store.byId(botId))!.commands_version;
    await a.bots.store.changeCommands(botId, async () => {});
    await vi.waitFor(async () => expect((await b.bots.store.byId(botId))!.commands_version).toBeGreaterThan(versionBefore));
  });

  it("drops the other process's owner row when the account changes", async () => {
    expect((await processingB.processor.runningBot(botId))?.owner.email).toBe("shared@example.com");
    await a.users.update(ownerId, { email: "moved@example.com" });
    await vi.waitFor(async () => expect((await processingB.processor.runningBot(botId))?.owner.email).toBe("moved@example.com"));
  });
});
