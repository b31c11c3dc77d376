import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { checkPackBudget } from "../../src/interop/git/pack-budget.js";

const work = mkdtempSync(join(tmpdir(), "botyard-pack-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The pack git sends for a commit of these files, made by git itself. */
function packOf(name: string, files: Record<string, Buffer>): Buffer {
  const dir = join(work, name);
  const git = (args: string[], input?: string) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: dir, input, maxBuffer: 64 << 20 });
  execFileSync("git", ["init", "-q", dir]);
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  git(["add", "-A"]);
  git(["commit", "-q", "-m", "fixture"]);
  return git(["pack-objects", "--stdout", "--revs", "-q"], "HEAD\n");
}

/** A pack of one blob whose header states `stated` bytes, however many its data holds. */
function oneBlobPack(data: Buffer, stated: number): Buffer {
  const header = [0x30 | (stated & 0x0f) | (stated > 15 ? 0x80 : 0)];
  for (let rest = stated >> 4; rest > 0; rest >>= 7) header.push((rest & 0x7f) | (rest > 127 ? 0x80 : 0));
  const counts = Buffer.alloc(8);
  counts.writeUInt32BE(2, 0);
  counts.writeUInt32BE(1, 4);
  return Buffer.concat([Buffer.from("PACK"), counts, Buffer.from(header), deflateSync(data), Buffer.alloc(20)]);
}

describe("a pack's budget, read before isomorphic-git unpacks it", () => {
  it("lets through a pack whose objects fit, and refuses one of zeros that unpacks past the budget", () => {
    const ordinary = packOf("ordinary", { "a.js": Buffer.from("Bot.sendMessage('a')"), "b.js": Buffer.from("Bot.sendMessage('b')") });
    expect(() => checkPackBudget(ordinary, 4096)).not.toThrow();
    const zeros = packOf("zeros", { "zero.js": Buffer.alloc(4 << 20) });
    // A few kilobytes on the wire.
    expect(zeros.length).toBeLessThan(16 << 10);
    expect(() => checkPackBudget(zeros, 1 << 20)).toThrow("The repository is too large for a bot (its files unpack to over 1 MB)");
    expect(() => checkPackBudget(zeros, 5 << 20)).not.toThrow();
  });

  it("counts a delta as the size it rebuilds, not its own", () => {
    const base = randomBytes(200_000);
    const pack = packOf("delta", { "a.bin": base, "b.bin": Buffer.concat([base, Buffer.from("tail\n")]) });
    // The second file travels as a delta: the pack holds one copy.
    expect(pack.length).toBeLessThan(300_000);
    expect(() => checkPackBudget(pack, 300_000)).toThrow("too large for a bot");
    expect(() => checkPackBudget(pack, 500_000)).not.toThrow();
  });

  it("refuses an object whose data holds more than its header states, inflating no further, and a pack that is not one", () => {
    const text = Buffer.from("hello, world");
    expect(() => checkPackBudget(oneBlobPack(text, text.length), 100)).not.toThrow();
    expect(() => checkPackBudget(oneBlobPack(text, 5), 100)).toThrow("The repository sent a malformed pack");
    expect(() => checkPackBudget(oneBlobPack(Buffer.alloc(64 << 20), 10), 100)).toThrow("The repository sent a malformed pack");
    expect(() => checkPackBudget(Buffer.from("not a pack at all"), 100)).toThrow("malformed pack");
    expect(() => checkPackBudget(oneBlobPack(text, text.length).subarray(0, 14), 100)).toThrow("malformed pack");
  });
});
