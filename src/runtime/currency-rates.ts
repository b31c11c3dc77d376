import type { Clock } from "../clock.js";
import type { Config } from "../config.js";
import type { OutboundHttp } from "../net/outbound-http.js";

export type RatesKind = "fiat" | "crypto";

/**
 * One kind of rates as BJS's `CurrencyQuote` reads them: fiat as units per US dollar, crypto
 * as US dollars per coin (with the provider's details of each coin), and when they were fetched.
 */
export interface RatesTable {
  rates: Record<string, number>;
  details?: Record<string, Record<string, unknown>>;
  fetchedAt: number;
}

/** How long a table is served before it is fetched again (spec/bjs.md §6.2: fiat hourly, crypto about every 5 minutes). */
const TTL_MS: Record<RatesKind, number> = { fiat: 3_600_000, crypto: 300_000 };

/**
 * How long after a failed fetch the provider is not asked again: BJS retrying its reads would
 * otherwise ask on every one, and a provider that limits the platform's address would keep it
 * limited.
 */
const RETRY_AFTER_FAILURE_MS = 60_000;

/** Symbols and details kept per coin: the provider's top 100, of bounded size. */
const MAX_COINS = 250;

/** What the rates service reports when it has nothing to serve. */
export class RatesUnavailable extends Error {}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const positive = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value > 0;

/** Fiat rates from an `{rates: {EUR: 0.92, ...}}` answer (open.er-api.com's `latest/USD` shape). */
export function parseFiat(body: unknown): Record<string, number> {
  const rates = isRecord(body) ? body.rates : undefined;
  if (!isRecord(rates)) throw new RatesUnavailable("the fiat provider's answer has no rates object");
  const out: Record<string, number> = { USD: 1 };
  for (const [symbol, rate] of Object.entries(rates)) if (/^[A-Z]{3}$/.test(symbol) && positive(rate)) out[symbol] = rate;
  return out;
}

/** Coin prices from a markets list `[{symbol: "btc", current_price: 60000, ...}]` (CoinGecko's `coins/markets` shape). */
export function parseCrypto(body: unknown): { rates: Record<string, number>; details: Record<string, Record<string, unknown>> } {
  if (!Array.isArray(body)) throw new RatesUnavailable("the crypto provider's answer is not a list of coins");
  const rates: Record<string, number> = {};
  const details: Record<string, Record<string, unknown>> = {};
  for (const coin of body.slice(0, MAX_COINS)) {
    if (!isRecord(coin) || typeof coin.symbol !== "string" || !positive(coin.current_price)) continue;
    const symbol = coin.symbol.toUpperCase();
    if (!/^[A-Z0-9]{1,12}$/.test(symbol) || symbol in rates) continue;
    rates[symbol] = coin.current_price;
    const pick = (key: string) => (typeof coin[key] === "number" || typeof coin[key] === "string" ? coin[key] : null);
    details[symbol] = {
      symbol,
      name: pick("name"),
      price: coin.current_price,
      market_cap: pick("market_cap"),
      market_cap_rank: pick("market_cap_rank"),
      volume_24h: pick("total_volume"),
      change_24h: pick("price_change_percentage_24h"),
      updated_at: pick("last_updated"),
    };
  }
  if (Object.keys(rates).length === 0) throw new RatesUnavailable("the crypto provider's answer has no coin with a price");
  return { rates, details };
}

/**
 * The rates behind `CurrencyQuote`, fetched by the platform from the providers the operator
 * configured (CURRENCY_FIAT_URL, CURRENCY_CRYPTO_URL) through the same guarded client as BJS's
 * `HTTP.*`, kept for their TTL, and shared by every bot of the process. A failed refresh
 * serves the last table it had; with none, BJS is told the rates are unavailable. After a
 * failure the provider is asked again only a minute later.
 */
export class CurrencyRates {
  private readonly tables = new Map<RatesKind, RatesTable>();
  private readonly refreshing = new Map<RatesKind, Promise<RatesTable>>();
  private readonly failed = new Map<RatesKind, { at: number; error: unknown }>();

  constructor(
    private readonly deps: { http: Pick<OutboundHttp, "send">; clock: Clock; urls: Config["currencyRates"] },
  ) {}

  async table(kind: RatesKind): Promise<RatesTable> {
    const known = this.tables.get(kind);
    const now = this.deps.clock.now();
    if (known && now - known.fetchedAt < TTL_MS[kind]) return known;
    const failure = this.failed.get(kind);
    if (failure && now - failure.at < RETRY_AFTER_FAILURE_MS) {
      if (known) return known;
      throw failure.error;
    }
    let pending = this.refreshing.get(kind);
    if (!pending) {
      pending = this.fetch(kind)
        .then(
          (table) => (this.failed.delete(kind), table),
          (error: unknown) => {
            this.failed.set(kind, { at: this.deps.clock.now(), error });
            throw error;
          },
        )
        .finally(() => this.refreshing.delete(kind));
      this.refreshing.set(kind, pending);
    }
    try {
      return await pending;
    } catch (error) {
      if (known) return known;
      throw error;
    }
  }

  private async fetch(kind: RatesKind): Promise<RatesTable> {
    const url = kind === "fiat" ? this.deps.urls.fiatUrl : this.deps.urls.cryptoUrl;
    const answer = await this.deps.http.send({ method: "GET", url, headers: { accept: "application/json" } });
    if (answer.error !== null) throw new RatesUnavailable(`the ${kind} rates provider did not answer: ${answer.error}`);
    if (answer.status !== 200) throw new RatesUnavailable(`the ${kind} rates provider answered ${answer.status}`);
    let body: unknown;
    try {
      body = JSON.parse(answer.content);
    } catch {
      throw new RatesUnavailable(`the ${kind} rates provider did not answer JSON`);
    }
    const table: RatesTable = kind === "fiat" ? { rates: parseFiat(body), fetchedAt: this.deps.clock.now() } : { ...parseCrypto(body), fetchedAt: this.deps.clock.now() };
    this.tables.set(kind, table);
    return table;
  }
}
