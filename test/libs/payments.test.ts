import { createHmac } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmbeddedJobQueue } from "../../src/jobs/embedded-queue.js";
import { engines } from "../support/platform.js";
import { useLibraryBots } from "../support/libraries.js";
import { useLoopbackServer } from "../support/loopback.js";

interface Seen {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/**
 * A stand-in of the payment providers' documented APIs on loopback: OxaPay v1
 * (`POST /v1/payment/invoice` with a `merchant_api_key` header, answers `{data, message, error,
 * status}`) and CoinPayments (`POST /api.php`, a form body signed in the `HMAC` header with
 * HMAC-SHA512 of the private key, answers `{error: "ok", result}`).
 */
function useProviders() {
  const seen: Seen[] = [];
  const server = useLoopbackServer((request, bytes, response) => {
    const body = bytes.toString();
    seen.push({ path: request.url!, headers: request.headers, body });
    const json = (status: number, value: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (request.url === "/oxapay/v1/payment/invoice") {
      if (request.headers.merchant_api_key !== "merchant-key") return json(401, { data: {}, message: "Invalid merchant API key", error: { type: "auth" }, status: 401 });
      const fields = JSON.parse(body);
      return json(200, { data: { track_id: "T-1", payment_url: `https://pay.example/${fields.order_id}`, expired_at: 1760000000 }, message: "Operation completed successfully!", error: {}, status: 200, version: "1.0.0" });
    }
    if (request.url === "/coinpayments/api.php") {
      const form = new URLSearchParams(body);
      if (request.headers.hmac !== createHmac("sha512", "private-key").update(body).digest("hex")) return json(200, { error: "HMAC signature does not match", result: [] });
      if (form.get("cmd") === "create_transaction") return json(200, { error: "ok", result: { txn_id: "CP-1", amount: form.get("amount"), address: "bc1qexample", checkout_url: "https://cp.example/checkout/CP-1", status_url: "https://cp.example/status/CP-1" } });
      if (form.get("cmd") === "get_tx_info") return json(200, { error: "ok", result: { status: 100, status_text: "Complete", txn_id: form.get("txid") } });
      if (form.get("cmd") === "get_callback_address") return json(200, { error: "ok", result: { address: `addr-${form.get("currency")}` } });
      return json(200, { error: "Unknown command", result: [] });
    }
    json(404, { error: "not found" });
  });
  return {
    seen,
    get url() {
      return server.url;
    },
  };
}

/** The path and query of a link (the platform's intake is reached in-process). */
const pathOf = (link: string) => {
  const url = new URL(link);
  return url.pathname + url.search;
};

describe.each(engines())("payment libraries on %s", (engine) => {
  const providers = useProviders();
  const { r, libraryBot } = useLibraryBots(engine, { BJS_HTTP_ALLOW: "127.0.0.1" });
  beforeAll(() => r.t.platform.jobs.start());
  afterAll(() => r.t.platform.jobs.stop());
  const idle = () => (r.t.platform.jobs as EmbeddedJobQueue).idle();
  const texts = async (b: { fresh(): Promise<{ text?: string }[]> }) => (await b.fresh()).map((m) => m.text);

  it("OxaPayLibV1: an invoice through the API with the merchant key; its callback runs the bot's command only with the right HMAC", async () => {
    const b = await libraryBot({
      install: ["Webhooks", "OxaPayLibV1"],
      commands: [
        { command: "/setup", bjs_code: `Libs.OxaPayLibV1.setMerchantApiKey(params); Libs.OxaPayLibV1.setApiUrl("${providers.url}/oxapay/v1")` },
        { command: "/pay", bjs_code: 'Libs.OxaPayLibV1.apiCall({ url: "payment/invoice", method: "post", fields: { amount: 10, currency: "USD", order_id: "order-7", on_callback: "/paid" }, on_success: "/invoice" })' },
        { command: "/invoice", bjs_code: 'Bot.sendMessage(options.status === 200 ? "pay here: " + options.data.payment_url : "refused: " + options.message, {parse_mode: null})' },
        { command: "/paid", bjs_code: 'Bot.sendMessage("paid " + options.order_id + " " + options.status)' },
      ],
    });
    await b.say("/setup wrong-key");
    await b.say("/pay");
    await idle();
    expect(await texts(b)).toEqual(["refused: Invalid merchant API key"]);

    await b.say("/setup merchant-key");
    await b.say("/pay");
    await idle();
    expect(await texts(b)).toEqual(["pay here: https://pay.example/order-7"]);
    const sent = JSON.parse(providers.seen.at(-1)!.body);
    expect(sent).toMatchObject({ amount: 10, currency: "USD", order_id: "order-7" });
    expect(sent.on_callback).toBeUndefined();

    const callback = JSON.stringify({ track_id: "T-1", status: "Paid", order_id: "order-7", amount: 10 });
    const post = (hmac: string) => r.t.app.inject({ method: "POST", url: pathOf(sent.callback_url), payload: callback, headers: { "content-type": "application/json", hmac } });
    // A forged callback fails in BJS: the caller hears 503, as Bots.Business answers a command that threw.
    expect((await post(createHmac("sha512", "other").update(callback).digest("hex"))).statusCode).toBe(503);
    await idle();
    expect(await texts(b)).toEqual([]);
    expect((await b.errors())[0]).toMatchObject({ message: "OxaPayLibV1: a callback with a wrong HMAC was refused", segment: "lib:OxaPayLibV1" });
    expect((await post(createHmac("sha512", "merchant-key").update(callback).digest("hex"))).statusCode).toBe(200);
    await idle();
    expect(await texts(b)).toEqual(["paid order-7 Paid"]);
  });

  it("CoinPayments: signed calls (transaction, tx info, deposit wallet); IPNs run the bot's commands only with the right HMAC", async () => {
    const b = await libraryBot({
      install: ["Webhooks", "CoinPayments"],
      commands: [
        {
          command: "/setup",
          bjs_code: `var C = Libs.CoinPayments; C.setPublicKey("public-key"); C.setPrivateKey(params); C.setIpnSecret("ipn-secret"); C.setApiUrl("${providers.url}/coinpayments/api.php")`,
        },
        { command: "/buy", bjs_code: 'Libs.CoinPayments.createTransaction({ fields: { amount: 10, currency1: "USD", currency2: "BTC", buyer_email: "a@example.com" }, onSuccess: "/pay", onPaymentCompleted: "/paid", onError: "/failed" })' },
        { command: "/tx", bjs_code: 'Libs.CoinPayments.getTxInfo({ txid: "CP-1", onSuccess: "/txInfo" })' },
        { command: "/wallet", bjs_code: 'Libs.CoinPayments.createPermanentWallet({ currency: "LTC", onSuccess: "/address", onIncome: "/income" })' },
        { command: "/pay", bjs_code: 'Bot.sendMessage("send " + options.amount + " to " + options.address, {parse_mode: null})' },
        { command: "/paid", bjs_code: 'Bot.sendMessage("paid " + options.txn_id + " " + options.status_text)' },
        { command: "/failed", bjs_code: 'Bot.sendMessage("failed: " + options.error)' },
        { command: "/txInfo", bjs_code: 'Bot.sendMessage("tx " + options.txn_id + " " + options.status_text)' },
        { command: "/address", bjs_code: 'Bot.sendMessage("deposit to " + options.address)' },
        { command: "/income", bjs_code: 'Bot.sendMessage("income " + options.amount)' },
      ],
    });
    await b.say("/setup wrong-private-key");
    await b.say("/buy");
    await idle();
    expect(await texts(b)).toEqual(["failed: HMAC signature does not match"]);

    await b.say("/setup private-key");
    await b.say("/buy");
    await idle();
    expect(await texts(b)).toEqual(["send 10 to bc1qexample"]);
    const form = new URLSearchParams(providers.seen.at(-1)!.body);
    expect(Object.fromEntries([...form].filter(([key]) => key !== "ipn_url"))).toEqual({ version: "1", key: "public-key", format: "json", cmd: "create_transaction", amount: "10", currency1: "USD", currency2: "BTC", buyer_email: "a@example.com" });

    const ipn = "ipn_version=1.0&ipn_type=api&ipn_mode=hmac&merchant=m1&txn_id=CP-1&status=100&status_text=Complete&amount1=10";
    const post = (secret: string) => r.t.app.inject({ method: "POST", url: pathOf(form.get("ipn_url")!), payload: ipn, headers: { "content-type": "application/x-www-form-urlencoded", hmac: createHmac("sha512", secret).update(ipn).digest("hex") } });
    await post("guess");
    await idle();
    expect(await texts(b)).toEqual([]);
    expect((await b.errors())[0]!.message).toBe("CoinPayments: an IPN with a wrong HMAC was refused");
    await post("ipn-secret");
    await idle();
    expect(await texts(b)).toEqual(["paid CP-1 Complete"]);

    await b.say("/tx");
    await idle();
    expect(await texts(b)).toEqual(["tx CP-1 Complete"]);
    await b.say("/wallet");
    await idle();
    expect(await texts(b)).toEqual(["deposit to addr-LTC"]);
    const deposit = "ipn_type=deposit&status=100&status_text=Deposit+confirmed&amount=0.5&currency=LTC";
    const walletIpn = new URLSearchParams(providers.seen.at(-1)!.body).get("ipn_url")!;
    await r.t.app.inject({ method: "POST", url: pathOf(walletIpn), payload: deposit, headers: { "content-type": "application/x-www-form-urlencoded", hmac: createHmac("sha512", "ipn-secret").update(deposit).digest("hex") } });
    await idle();
    expect(await texts(b)).toEqual(["income 0.5"]);
  });
});
