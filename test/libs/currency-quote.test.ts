import { beforeAll, describe, expect, it } from "vitest";
import { useLibraryBots } from "../support/libraries.js";
import { useLoopbackServer } from "../support/loopback.js";

/** A stand-in of the rate providers' documented answers (open.er-api.com latest/USD, CoinGecko coins/markets), counting requests. */
function useRateProviders() {
  const state = {
    hits: { fiat: 0, crypto: 0 },
    eur: 0.9,
    failing: false,
    get url() {
      return server.url;
    },
  };
  const server = useLoopbackServer((request, _body, response) => {
    const kind = request.url!.startsWith("/fiat") ? "fiat" : "crypto";
    state.hits[kind]++;
    if (state.failing) return void response.writeHead(503).end("down");
    const body =
      kind === "fiat"
        ? { result: "success", base_code: "USD", rates: { USD: 1, EUR: state.eur, RUB: 90, "bad key": 3, JPY: "oops" } }
        : [
            { id: "bitcoin", symbol: "btc", name: "Bitcoin", current_price: 60000, market_cap: 1.2e12, market_cap_rank: 1, total_volume: 3e10, price_change_percentage_24h: 1.5, last_updated: "2026-12-01T00:00:00Z" },
            { id: "tether", symbol: "usdt", name: "Tether", current_price: 1, market_cap_rank: 3 },
            { id: "broken", symbol: "zzz", current_price: null },
          ];
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  return state;
}

// The rates are the process's, not stored: one engine is enough.
describe.each(["sqlite"] as const)("CurrencyQuote on %s", (engine) => {
  const providers = useRateProviders();
  // Filled in once the stand-in listens, before the platform reads its configuration.
  const env: Record<string, string> = { BJS_HTTP_ALLOW: "127.0.0.1" };
  beforeAll(() => {
    env.CURRENCY_FIAT_URL = `${providers.url}/fiat/latest/USD`;
    env.CURRENCY_CRYPTO_URL = `${providers.url}/crypto/coins/markets?vs_currency=usd`;
  });
  const { r, libraryBot } = useLibraryBots(engine, env);
  const commands = [
    { command: "/fiat", bjs_code: 'Bot.sendMessage([CurrencyQuote.fiat.EUR, CurrencyQuote.fiat.rub, CurrencyQuote.fiat.USD, CurrencyQuote.fiat.JPY, CurrencyQuote.fiat.getCachingTime()].join(" "), {parse_mode: null})' },
    { command: "/crypto", bjs_code: 'var d = CurrencyQuote.crypto.details.BTC; Bot.sendMessage([CurrencyQuote.crypto.BTC, CurrencyQuote.crypto.ZZZ, d.name, d.market_cap_rank, d.change_24h, CurrencyQuote.crypto.getCachingTime()].join(" "), {parse_mode: null})' },
    { command: "/convert", bjs_code: 'var p = params.split(" "); Bot.sendMessage(String(Math.round(CurrencyQuote.convert({amount: Number(p[0]), from: p[1], to: p[2]}) * 10000) / 10000), {parse_mode: null})' },
  ];

  it("reads fiat (units per dollar) and crypto (dollars per coin) rates and details; converts through the dollar; refuses unknown symbols and 0", async () => {
    const b = await libraryBot({ commands });
    // Before the provider ever answered there are no rates: the command fails clearly.
    providers.failing = true;
    await b.say("/fiat");
    expect((await b.errors())[0]!.message).toBe("CurrencyQuote: could not get the rates (the fiat rates provider answered 503)");
    // Within a minute of the failure the provider is not asked again, however often BJS reads.
    providers.failing = false;
    const asked = providers.hits.fiat;
    await b.say("/fiat");
    expect(providers.hits.fiat).toBe(asked);
    expect((await b.errors()).map((entry) => entry.message)).toEqual([expect.stringContaining("503"), expect.stringContaining("503")]);
    await r.t.clock.advanceAsync(60_000);
    expect(await b.say("/fiat")).toEqual(["0.9 90 1  0"]);
    expect(await b.say("/crypto")).toEqual(["60000  Bitcoin 1 1.5 0"]);
    expect(await b.say("/convert 90 EUR USD")).toEqual(["100"]);
    expect(await b.say("/convert 1 btc eur")).toEqual(["54000"]);
    expect(await b.say("/convert 180 RUB USDT")).toEqual(["2"]);
    await b.say("/convert 1 XYZ USD");
    expect((await b.errors())[0]!.message).toBe("CurrencyQuote.convert: unknown currency XYZ");
    await b.say("/convert 0 EUR USD");
    expect((await b.errors())[0]!.message).toBe("CurrencyQuote.convert: amount must be a number other than 0");
  });

  it("keeps the rates for their time (fiat an hour, crypto 5 minutes) and serves the last ones while the provider is down", async () => {
    const b = await libraryBot({ commands });
    const before = { ...providers.hits };
    await b.say("/fiat");
    await b.say("/crypto");
    expect(providers.hits).toEqual(before);

    await r.t.clock.advanceAsync(10 * 60_000);
    providers.eur = 0.8;
    expect(await b.say("/fiat")).toEqual(["0.9 90 1  600"]);
    expect((await b.say("/crypto"))[0]).toMatch(/ 0$/);
    expect(providers.hits).toEqual({ fiat: before.fiat, crypto: before.crypto + 1 });

    await r.t.clock.advanceAsync(60 * 60_000);
    expect(await b.say("/fiat")).toEqual(["0.8 90 1  0"]);

    providers.failing = true;
    await r.t.clock.advanceAsync(2 * 60 * 60_000);
    expect(await b.say("/fiat")).toEqual(["0.8 90 1  7200"]);
    providers.failing = false;
  });
});
