import { AsyncLocalStorage } from "node:async_hooks";
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { inThisContext } from "../src/async-context.js";

describe("inThisContext", () => {
  const storage = new AsyncLocalStorage<string>();
  const whereAmI = async (label: string) => {
    await Promise.resolve();
    return `${label} in ${storage.getStore() ?? "no context"}`;
  };

  it("runs every call in the context it was made in, whoever calls and however many at once", async () => {
    // Called back from an event emitted outside any context, as a sandbox process's message is.
    const events = new EventEmitter();
    const bound = storage.run("run A", () => inThisContext(whereAmI));
    const answers: Promise<string>[] = [];
    events.on("read", (label: string) => answers.push(bound(label)));
    events.emit("read", "first");
    events.emit("read", "second");
    expect(await Promise.all(answers)).toEqual(["first in run A", "second in run A"]);
    expect(await storage.run("run B", () => bound("third"))).toBe("third in run A");
    expect(await whereAmI("plain")).toBe("plain in no context");
  });

  it("passes a failure back to its caller, and keeps serving later calls", async () => {
    const bound = storage.run("run C", () =>
      inThisContext(async (fail: boolean) => {
        if (fail) throw new Error(`failed in ${storage.getStore()}`);
        return storage.getStore();
      }),
    );
    await expect(bound(true)).rejects.toThrow("failed in run C");
    expect(await bound(false)).toBe("run C");
  });
});
