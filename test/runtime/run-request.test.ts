import { describe, expect, it } from "vitest";
import { actionSchema } from "../../src/runtime/actions.js";
import { MAX_STORED_OPTIONS_BYTES, RUN_TRIGGERS, runRequestSchema, type RunRequest } from "../../src/runtime/run-request.js";

describe("the storable run request", () => {
  const scheduled: RunRequest = {
    botId: 7,
    command: { name: "/remind" },
    trigger: "scheduled",
    chatId: 3,
    userId: 4,
    options: { text: "water the plants", nested: [1, null, { deep: true }] },
    label: "reminder",
    attempt: 1,
  };

  it("survives JSON, for every trigger, with or without chat, user and label", () => {
    for (const trigger of RUN_TRIGGERS) {
      const request = { ...scheduled, trigger };
      expect(runRequestSchema.parse(JSON.parse(JSON.stringify(request)))).toEqual(request);
    }
    const autoRetry: RunRequest = { botId: 7, command: { id: 12 }, trigger: "auto_retry", options: null, attempt: 3 };
    expect(runRequestSchema.parse(JSON.parse(JSON.stringify(autoRetry)))).toEqual(autoRetry);
  });

  it.each([
    ["an unknown trigger", { trigger: "cron" }],
    ["a command with neither id nor name", { command: {} }],
    ["an empty command name", { command: { name: "" } }],
    ["a bot id that is not one", { botId: -1 }],
    ["options that are not JSON", { options: { run: () => 1 } }],
    ["attempt 0", { attempt: 0 }],
    ["an empty label", { label: "" }],
  ])("refuses %s", (_, change) => {
    expect(runRequestSchema.safeParse({ ...scheduled, ...change }).success).toBe(false);
  });

  it("lets the host refuse options past 10 KB in every action that stores a run, whatever the isolate checked", () => {
    const within = { pad: "x".repeat(MAX_STORED_OPTIONS_BYTES - 20) };
    const past = { pad: "x".repeat(MAX_STORED_OPTIONS_BYTES) };
    const actions = [
      (options: unknown) => ({ type: "schedule", command: "/later", run_after: 60, options }),
      (options: unknown) => ({ type: "runAll", command: "/news", for_chats: "all", options }),
      (options: unknown) => ({ type: "http", method: "GET", url: "https://example.com", options }),
      (options: unknown) => ({ type: "importCSV", options }),
    ];
    for (const action of actions) {
      expect(actionSchema.safeParse(action(within)).success).toBe(true);
      const refused = actionSchema.safeParse(action(past));
      expect(refused.success).toBe(false);
      expect(refused.error?.issues[0]?.message).toMatch(/^Options of a run stored for later may be 10240 bytes of JSON at most/);
    }
  });
});
