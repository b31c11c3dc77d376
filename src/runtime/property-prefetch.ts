import type { Property, PropertyScope, PropertyStore } from "../bots/properties.js";
import type { Invocation } from "./invocation.js";
import type { Segment } from "./sandbox/body.js";

/** What a BJS property read answers inside the isolate. */
export interface PropertyRead {
  found: boolean;
  value?: unknown;
  type?: string;
}

export function propertyRead(property: Property | undefined): PropertyRead {
  return property ? { found: true, value: JSON.parse(property.value), type: property.value_type } : { found: false };
}

/** A property read answered before the execution starts. */
export type PrefetchedRead = PropertyRead & { scope: PropertyScope; name: string };

/** `User.getProp("name"` and its kin, the name written as a string literal. */
const LITERAL_READ = /\b(User|Bot)\s*\.\s*get(?:Prop|Property)\s*\(\s*(["'])((?:(?!\2)[^\\\r\n])+)\2\s*[,)]/g;

/** Reads answered ahead per execution: plenty for ordinary commands, bounded for odd ones. */
const MAX_READS = 16;
const CACHED_SCANS = 1000;

/**
 * Answers, before an execution starts, the property reads its code spells out with a literal
 * name (`User.getProp("balance", 0)`, `Bot.getProperty("price")`): the body finds them in
 * memory instead of calling the host from inside the isolate, a round trip between threads
 * per read. A read the scan misses (a computed name, another user or bot) still goes to the
 * host. The values are those at the start of the execution, as if its reads came first.
 */
export class PropertyPrefetch {
  private readonly scans = new Map<string, { scope: PropertyScope; name: string }[]>();

  constructor(private readonly properties: PropertyStore) {}

  async load(invocation: Invocation, segments: readonly Segment[]): Promise<PrefetchedRead[]> {
    const botId = invocation.bot.row.id;
    const userId = invocation.user?.row.id;
    const wanted = new Map<string, { scope: PropertyScope; name: string }>();
    for (const segment of segments) {
      for (const read of this.scan(segment.code)) {
        if (read.scope === "user" && userId === undefined) continue;
        if (wanted.size < MAX_READS) wanted.set(`${read.scope}:${read.name}`, read);
      }
    }
    return Promise.all(
      [...wanted.values()].map(async ({ scope, name }) => {
        return { scope, name, ...propertyRead(await this.properties.find(botId, scope, name, { userId })) };
      }),
    );
  }

  /** The literal reads in a body, remembered per code text. */
  private scan(code: string): { scope: PropertyScope; name: string }[] {
    let reads = this.scans.get(code);
    if (!reads) {
      reads = [...code.matchAll(LITERAL_READ)].map((match) => ({ scope: match[1] === "User" ? "user" : "bot", name: match[3]! }));
      if (this.scans.size >= CACHED_SCANS) this.scans.clear();
      this.scans.set(code, reads);
    }
    return reads;
  }
}
