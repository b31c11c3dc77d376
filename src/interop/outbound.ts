import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent } from "undici";
import { UnprocessableError, ValidationError } from "../errors.js";
import { forbiddenReason } from "../net/address-guard.js";

/**
 * Whether an IP address is loopback, private, link-local or otherwise not the public internet:
 * the same ranges BJS's HTTP guard refuses (a URL BJS hands Bot.importCSV comes here).
 */
export function isPrivateAddress(address: string): boolean {
  return forbiddenReason(address) !== undefined;
}

/** Why a private address is refused, and what a server's operator can do about it (a git server beside the platform). */
const NOT_REACHED = "points to a private address, which this server does not reach (its operator may allow such addresses with IMPORT_ALLOW_PRIVATE_URLS)";

/** The refusal of a URL whose host is, or resolves to, a private address. */
function privateRefusal(what: string): ValidationError {
  return new ValidationError([`${what} ${NOT_REACHED}`]);
}

function dnsLookupAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));
}

/** dns.lookup that refuses names resolving to a private address: checked after DNS, on every connection (redirects too). */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    const refused = addresses.find((entry) => isPrivateAddress(entry.address));
    if (refused) return callback(Object.assign(new Error(`${hostname} is a private address`), { code: "EPRIVATE" }), "", 0);
    if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

/**
 * Where imports and exports may connect: the public internet only, unless the platform allows
 * private addresses (a self-hosted git server on the same network, and the tests' loopback).
 */
export class Outbound {
  /** The undici dispatcher every import and export request goes through. */
  readonly dispatcher: Agent;

  constructor(
    private readonly allowPrivate: boolean,
    /** Every address a name resolves to (what `checkResolved` looks up). */
    private readonly resolve: (hostname: string) => Promise<LookupAddress[]> = dnsLookupAll,
  ) {
    this.dispatcher = new Agent(allowPrivate ? {} : { connect: { lookup: guardedLookup } });
  }

  /** Refuses a URL that is not http(s) or names a private IP literally (a literal skips DNS, so the lookup guard cannot see it). */
  check(url: string, what: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ValidationError([`${what} is not a valid URL`]);
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new ValidationError([`${what} must be http:// or https://`]);
    const host = parsed.hostname.replace(/^\[|\]$/g, "");
    if (!this.allowPrivate && (host === "localhost" || (isIP(host) !== 0 && isPrivateAddress(host)))) {
      throw privateRefusal(what);
    }
    return parsed;
  }

  /** The message for a refused connection, or undefined when the error is something else. */
  static refusal(error: unknown): string | undefined {
    const cause = (error as { cause?: { code?: string } }).cause;
    return (error as { code?: string }).code === "EPRIVATE" || cause?.code === "EPRIVATE" ? `it ${NOT_REACHED}` : undefined;
  }

  /**
   * Checks a URL for a client that resolves names itself (isomorphic-git's): the literal check,
   * then every address the name resolves to now. A name that changes its answer between this
   * look-up and the connection (DNS rebinding) is not caught here (each redirect is checked
   * again, git/guarded-http.ts); CSV downloads go through the dispatcher, which checks each connection.
   */
  async checkResolved(url: string, what: string): Promise<URL> {
    const parsed = this.check(url, what);
    if (this.allowPrivate) return parsed;
    const host = parsed.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host) !== 0) return parsed;
    // A name that does not resolve now is refused: the client's own look-up could find one later.
    const addresses = await this.resolve(host).catch(() => {
      throw new UnprocessableError(`${what} names a host that could not be found (${host})`);
    });
    if (addresses.some((entry) => isPrivateAddress(entry.address))) throw privateRefusal(what);
    return parsed;
  }
}
