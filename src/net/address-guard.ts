import { BlockList, isIP } from "node:net";
import { networkInterfaces } from "node:os";

/**
 * Address ranges BJS may not reach (SSRF): loopback, private networks, link-local (cloud
 * metadata lives there), multicast, reserved and documentation space; and this machine's own
 * addresses (thisMachine). IPv4-mapped IPv6 forms are matched by
 * BlockList itself; the other IPv6 forms that embed an IPv4 address are unwrapped first.
 */
const FORBIDDEN: [string, number, "ipv4" | "ipv6", string][] = [
  ["0.0.0.0", 8, "ipv4", "unspecified"],
  ["10.0.0.0", 8, "ipv4", "private"],
  ["100.64.0.0", 10, "ipv4", "shared (carrier-grade NAT)"],
  ["127.0.0.0", 8, "ipv4", "loopback"],
  ["169.254.0.0", 16, "ipv4", "link-local"],
  ["172.16.0.0", 12, "ipv4", "private"],
  ["192.0.0.0", 24, "ipv4", "reserved"],
  ["192.168.0.0", 16, "ipv4", "private"],
  ["198.18.0.0", 15, "ipv4", "reserved"],
  ["224.0.0.0", 4, "ipv4", "multicast"],
  ["240.0.0.0", 4, "ipv4", "reserved"],
  // Documentation and example networks: routed nowhere on the internet, so only somewhere local.
  ["192.0.2.0", 24, "ipv4", "documentation"],
  ["198.51.100.0", 24, "ipv4", "documentation"],
  ["203.0.113.0", 24, "ipv4", "documentation"],
  // Azure's metadata and DHCP host sits on a public address.
  ["168.63.129.16", 32, "ipv4", "cloud metadata"],
  ["::", 128, "ipv6", "unspecified"],
  ["::1", 128, "ipv6", "loopback"],
  ["fc00::", 7, "ipv6", "private"],
  ["fe80::", 10, "ipv6", "link-local"],
  ["fec0::", 10, "ipv6", "link-local"],
  ["ff00::", 8, "ipv6", "multicast"],
  ["100::", 64, "ipv6", "reserved"],
  ["2001:db8::", 32, "ipv6", "documentation"],
  // Its translators map into whatever IPv4 network the operator chose, so no address in it is known to be public.
  ["64:ff9b:1::", 48, "ipv6", "local-use NAT64"],
];

const ranges = FORBIDDEN.map(([network, prefix, family, reason]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, reason };
});

/** The 16 bytes of an IPv6 address (zone index dropped). */
function ipv6Bytes(address: string): number[] {
  let text = address.split("%")[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    text = text.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups];
  return groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

/** The IPv4 address an IPv6 one carries (IPv4-compatible, IPv4-translated, NAT64, 6to4), if it carries one. */
function embeddedIpv4(address: string): string | undefined {
  const bytes = ipv6Bytes(address);
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);
  const quad = (at: number) => bytes.slice(at, at + 4).join(".");
  // ::a.b.c.d (not :: and ::1, which are ranges of their own)
  if (zeros(0, 12) && !zeros(12, 14)) return quad(12);
  // ::ffff:0:a.b.c.d, IPv4-translated (SIIT)
  if (zeros(0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && zeros(10, 12)) return quad(12);
  // 64:ff9b::/96, the NAT64 well-known prefix
  if (bytes[0] === 0 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) return quad(12);
  // 2002::/16, 6to4
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return quad(2);
  return undefined;
}

/** How long the list of this machine's addresses is kept before it is read again (an interface may change). */
const OWN_ADDRESSES_TTL_MS = 10_000;
let ownAddresses: { list: BlockList; readAt: number } | undefined;

/**
 * This machine's own addresses, public ones included: the platform and anything else bound to
 * 0.0.0.0 answer there, firewalls aside.
 */
function thisMachine(): BlockList {
  const now = Date.now();
  if (ownAddresses && now - ownAddresses.readAt < OWN_ADDRESSES_TTL_MS) return ownAddresses.list;
  const list = new BlockList();
  for (const entry of Object.values(networkInterfaces()).flat()) {
    if (entry) list.addAddress(entry.address.split("%")[0]!, entry.family === "IPv4" ? "ipv4" : "ipv6");
  }
  ownAddresses = { list, readAt: now };
  return list;
}

/** Why BJS may not reach this IP address ("loopback", "private"...), or undefined when it may. */
export function forbiddenReason(address: string): string | undefined {
  const family = isIP(address.split("%")[0]!);
  if (family === 0) return "not an IP address";
  const type = family === 4 ? "ipv4" : "ipv6";
  const plain = address.split("%")[0]!;
  const hit = ranges.find(({ list }) => list.check(plain, type));
  if (hit) return hit.reason;
  const inner = family === 6 ? embeddedIpv4(plain) : undefined;
  if (inner !== undefined) return forbiddenReason(inner);
  return thisMachine().check(plain, type) ? "this machine" : undefined;
}

/** BJS_HTTP_ALLOW: host names and address ranges that outbound requests may reach even when private. */
export class AllowList {
  private readonly hosts = new Set<string>();
  private readonly ranges = new BlockList();

  /** Reads comma-separated entries: `host.name`, `10.1.2.3`, `10.0.0.0/8`, `::1`, `fd00::/8`. Throws on a malformed one. */
  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase();
      if (!entry) continue;
      const [network, prefixText] = entry.split("/") as [string, string | undefined];
      const family = isIP(network);
      if (family === 0) {
        if (prefixText !== undefined || !/^[a-z0-9.-]+$/.test(entry)) throw new Error(`BJS_HTTP_ALLOW: '${raw.trim()}' is neither a host name, an IP address nor a CIDR range.`);
        this.hosts.add(entry.replace(/\.$/, ""));
        continue;
      }
      const max = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
        throw new Error(`BJS_HTTP_ALLOW: '${raw.trim()}' has a bad prefix length (0 to ${max}).`);
      }
      this.ranges.addSubnet(network, prefix, family === 4 ? "ipv4" : "ipv6");
    }
  }

  /** Whether a request to `host` (the URL's host name) may connect to `address`. */
  permits(host: string, address: string): boolean {
    const plain = address.split("%")[0]!;
    return this.hosts.has(host.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "")) || this.ranges.check(plain, isIP(plain) === 4 ? "ipv4" : "ipv6");
  }
}

/**
 * The guard's decision for one connection: undefined when `host` may connect to `address`,
 * else the kind of address it is (loopback, private...).
 */
export function refusal(host: string, address: string, allow: AllowList): string | undefined {
  const reason = forbiddenReason(address);
  return reason === undefined || allow.permits(host, address) ? undefined : reason;
}
