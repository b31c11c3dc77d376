import { describe, expect, it } from "vitest";
import { countersOf, runAllTaskOf, type Broadcast } from "../../src/bots/broadcasts.js";

const START = Date.parse("2026-01-15T12:00:00.000Z");
const task = (fields: Partial<Broadcast>): Broadcast => ({
  id: 1, bot_id: 1, command: "/news", text: null, parse_mode: null, for_chats: "all", options: "null", status: "in progress",
  cursor: 0, last_chat_id: 0, total: 100, processed: 0, delivered: 0, failed: 0, blocked: 0, active_ms: 0, active_since: null,
  created_at: new Date(START).toISOString(), started_at: null, finished_at: null, updated_at: new Date(START).toISOString(), ...fields,
});

describe("a broadcast's counters", () => {
  it("measures speed over the time in progress and estimates the finish from it", () => {
    // 30 done in 10 s in progress: 5 s before the last resume and 5 s since.
    const running = task({ processed: 30, delivered: 28, failed: 1, blocked: 1, active_ms: 5_000, active_since: new Date(START).toISOString() });
    const counters = countersOf(running, START + 5_000);
    expect(counters).toEqual({ total: 100, processed: 30, delivered: 28, failed: 1, blocked: 1, pending: 70, speed: 3, estimated_finish_at: new Date(START + 5_000 + 70_000 / 3).toISOString() });
  });

  it("gives no estimate unless in progress, and no speed before any time in progress", () => {
    expect(countersOf(task({ status: "paused", processed: 10, active_ms: 2_000 }), START)).toMatchObject({ speed: 5, estimated_finish_at: null });
    expect(countersOf(task({ status: "new" }), START)).toMatchObject({ speed: 0, pending: 100, estimated_finish_at: null });
  });

  it("shows BJS the fields of spec/bjs.md §2.10", () => {
    const view = runAllTaskOf(task({ processed: 25, failed: 2, active_ms: 1_000 }), START);
    expect(view).toMatchObject({ id: 1, status: "in progress", progress: 25, cur_position: 25, total: 100, errors_count: 2, speed: 25 });
    expect(runAllTaskOf(task({ status: "finished", total: 0 }), START).progress).toBe(100);
  });
});
