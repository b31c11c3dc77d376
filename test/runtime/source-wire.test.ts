import { describe, expect, it } from "vitest";
import { SourceReceiver, SourceSender } from "../../src/runtime/sandbox/source-wire.js";

describe("source texts on their way to a sandbox process", () => {
  it("sends a text once, then its id", () => {
    const sender = new SourceSender();
    const receiver = new SourceReceiver();
    const first = sender.wire("Bot.sendMessage('hi')");
    expect(first.code).toBe("Bot.sendMessage('hi')");
    const again = sender.wire("Bot.sendMessage('hi')");
    expect(again).toEqual({ source: first.source });
    expect(receiver.take(first)).toBe("Bot.sendMessage('hi')");
    expect(receiver.take(again)).toBe("Bot.sendMessage('hi')");
    expect(receiver.take({ source: 99 })).toBeUndefined();
  });

  it("always has the text of an id the sender names, as megabytes of texts come and go", () => {
    const sender = new SourceSender();
    const receiver = new SourceReceiver();
    // Texts of 0.5 to 3.5 M characters, some again and again: both sides pass their bounds many times.
    const texts = Array.from({ length: 12 }, (_, i) => String.fromCharCode(97 + i).repeat(500_000 * (1 + (i % 7))));
    let resent = 0;
    for (let step = 0; step < 300; step++) {
      const text = texts[(step * 7 + (step >> 3)) % texts.length]!;
      const wired = sender.wire(text);
      if (wired.code !== undefined && step >= texts.length) resent++;
      expect(receiver.take(wired)).toBe(text);
    }
    // The sender's bound was passed: texts went again, with new ids, and still arrived.
    expect(resent).toBeGreaterThan(0);
  });
});
