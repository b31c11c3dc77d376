import { describe, expect, it } from "vitest";
import { withHeadNamed } from "../../src/interop/git/unborn-head.js";

const pkt = (payload: string) => `${(Buffer.byteLength(payload) + 4).toString(16).padStart(4, "0")}${payload}`;
const OID = "a".repeat(40);

describe("a ref advertisement without HEAD", () => {
  it("names the branch asked for as HEAD among the first ref's capabilities, and keeps the rest as it came", () => {
    const advertisement = `${pkt("# service=git-upload-pack\n")}0000${pkt(`${OID} refs/heads/main\0multi_ack side-band-64k\n`)}${pkt(`${"b".repeat(40)} refs/heads/dev\n`)}0000`;
    const named = withHeadNamed(Buffer.from(advertisement), "main").toString();
    expect(named).toBe(
      `${pkt("# service=git-upload-pack\n")}0000${pkt(`${OID} refs/heads/main\0multi_ack side-band-64k symref=HEAD:refs/heads/main\n`)}${pkt(`${"b".repeat(40)} refs/heads/dev\n`)}0000`,
    );
  });

  it("leaves an advertisement that names HEAD, or that it cannot read, as it came", () => {
    const withHead = Buffer.from(`0000${pkt(`${OID} HEAD\0multi_ack symref=HEAD:refs/heads/dev\n`)}0000`);
    expect(withHeadNamed(withHead, "main")).toBe(withHead);
    for (const broken of ["zzzz", "0002", `00ff${OID}`, "no pkt-lines at all"]) expect(withHeadNamed(Buffer.from(broken), "main").toString()).toBe(broken);
  });
});
