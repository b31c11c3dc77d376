import { networkInterfaces } from "node:os";
import { describe, expect, it } from "vitest";
import { AllowList, forbiddenReason, refusal } from "../../src/net/address-guard.js";

describe("the outbound address guard", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.0.0.2", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "shared (carrier-grade NAT)"],
    ["100.100.100.200", "shared (carrier-grade NAT)"],
    ["fc00::1", "private"],
    ["fd00:ec2::254", "private"],
    ["169.254.169.254", "link-local"],
    ["169.254.0.1", "link-local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["168.63.129.16", "cloud metadata"],
    ["192.0.0.192", "reserved"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "reserved"],
    // IPv4 inside IPv6: mapped, compatible, NAT64, 6to4.
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.1.2.3", "private"],
    ["::ffff:169.254.169.254", "link-local"],
    ["::127.0.0.1", "loopback"],
    ["64:ff9b::a9fe:a9fe", "link-local"],
    ["2002:7f00:1::", "loopback"],
    ["2002:c0a8:101::1", "private"],
    // IPv4-translated (SIIT), and the local-use NAT64 prefix whose translators an operator runs.
    ["::ffff:0:7f00:1", "loopback"],
    ["::ffff:0:a9fe:a9fe", "link-local"],
    ["64:ff9b:1::7f00:1", "local-use NAT64"],
    // Documentation networks, routed nowhere on the internet.
    ["192.0.2.2", "documentation"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.250", "documentation"],
    ["2001:db8::1", "documentation"],
  ])("refuses %s (%s)", (address, reason) => {
    expect(forbiddenReason(address)).toBe(reason);
    expect(refusal("example.com", address, new AllowList([]))).toBe(reason);
  });

  it.each(["93.184.216.34", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.128.0.1", "169.253.255.255", "11.0.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1", "::ffff:0:808:808"])(
    "lets %s through",
    (address) => {
      expect(forbiddenReason(address)).toBeUndefined();
      expect(refusal("example.com", address, new AllowList([]))).toBeUndefined();
    },
  );

  it("refuses every address of this machine's own interfaces, public ones too", () => {
    const own = Object.values(networkInterfaces()).flat().map((entry) => entry!.address);
    expect(own.length).toBeGreaterThan(0);
    for (const address of own) expect(forbiddenReason(address), address).toBeDefined();
  });

  it("lets BJS_HTTP_ALLOW's hosts and ranges through, and nothing beside them", () => {
    const allow = new AllowList([" Internal.Example ", "10.1.0.0/16", "127.0.0.1", "fd00::/8", ""]);
    expect(refusal("internal.example", "10.9.9.9", allow)).toBeUndefined();
    expect(refusal("INTERNAL.example.", "192.168.0.1", allow)).toBeUndefined();
    expect(refusal("other.example", "10.1.200.3", allow)).toBeUndefined();
    expect(refusal("other.example", "10.2.0.1", allow)).toBe("private");
    expect(refusal("other.example", "127.0.0.1", allow)).toBeUndefined();
    expect(refusal("other.example", "::ffff:127.0.0.1", allow)).toBeUndefined();
    expect(refusal("other.example", "127.0.0.2", allow)).toBe("loopback");
    expect(refusal("other.example", "fd12::1", allow)).toBeUndefined();
    expect(refusal("other.example", "fe80::1", allow)).toBe("link-local");
  });

  it.each(["10.0.0.0/33", "::/129", "10.0.0.0/x", "10.0.0.0/", "http://host", "host name", "host/8"])("refuses the malformed entry %s", (entry) => {
    expect(() => new AllowList([entry])).toThrow(/BJS_HTTP_ALLOW/);
  });
});
