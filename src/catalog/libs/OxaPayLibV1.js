// OxaPayLibV1 (spec/bjs.md §6.2): OxaPay's v1 API (https://api.oxapay.com/v1/) over HTTP.
//   Libs.OxaPayLibV1.setMerchantApiKey("...");
//   Libs.OxaPayLibV1.apiCall({ url: "payment/invoice", fields: { amount: 10, currency: "USD", on_callback: "/onPaid" }, on_success: "/onInvoice" });
// `on_success` runs with `options` = OxaPay's answer ({status, data, message, error}).
// `fields.on_callback` becomes the `callback_url`: a Webhooks link (install Webhooks) to this
// library, which checks the HMAC header (HMAC-SHA512 of the body with the API key, with the
// core CryptoJS) and then runs the command with `options` = the callback's fields.
// The keys are the library's bot properties; the merchant key goes with payment calls, the
// payout key with payout calls, the general key with the rest.

var DEFAULT_API_URL = "https://api.oxapay.com/v1/";
var PREFIX = "OxaPayLibV1_";

function setKey(kind) {
  return function (key) {
    if (!key) throw new Error("OxaPayLibV1: the " + kind + " API key is empty");
    setBotProperty(kind + "_api_key", String(key), "string");
  };
}

/** Where the API is (a sandbox or a stand-in); the default is OxaPay's. */
function setApiUrl(url) {
  setBotProperty("api_url", String(url), "string");
}

function apiUrl() {
  var base = getBotProperty("api_url") || DEFAULT_API_URL;
  return base.charAt(base.length - 1) === "/" ? base : base + "/";
}

/** The key kind a path is called with: payout/…, payment/…, else general. */
function keyKind(path) {
  if (path.indexOf("payout") === 0) return "payout";
  if (path.indexOf("payment") === 0) return "merchant";
  return "general";
}

function apiCall(spec) {
  if (!spec || !spec.url) throw new Error("OxaPayLibV1.apiCall needs {url, fields?, on_success?}");
  var path = String(spec.url).replace(/^\/+/, "");
  var method = String(spec.method || "post").toLowerCase();
  var kind = keyKind(path);
  var key = getBotProperty(kind + "_api_key");
  if (!key) throw new Error("OxaPayLibV1: set the " + kind + " API key first (set" + kind.charAt(0).toUpperCase() + kind.slice(1) + "ApiKey)");
  var fields = {};
  for (var name in spec.fields || {}) if (name !== "on_callback") fields[name] = spec.fields[name];
  if (spec.fields && spec.fields.on_callback) {
    fields.callback_url = Libs.Webhooks.getUrlFor({ command: PREFIX + "onCallback " + kind + " " + spec.fields.on_callback, user_id: user ? user.id : undefined });
  }
  var headers = { "Content-Type": "application/json" };
  headers[kind + "_api_key"] = key;
  var request = {
    url: apiUrl() + path,
    headers: headers,
    success: PREFIX + "onResponse " + (spec.on_success || ""),
    error: PREFIX + "onError " + (spec.on_error || ""),
  };
  if (method === "get") HTTP.get(request);
  else {
    request.body = fields;
    HTTP.post(request);
  }
}

on(PREFIX + "onResponse", function () {
  var answer;
  try {
    answer = JSON.parse(content);
  } catch (e) {
    throw new Error("OxaPayLibV1: the API did not answer JSON (HTTP " + http_status + ")");
  }
  if (params) Bot.runCommand(params, answer);
});

on(PREFIX + "onError", function () {
  if (params) Bot.runCommand(params, { error: "OxaPay could not be reached" });
  else throw new Error("OxaPayLibV1: OxaPay could not be reached");
});

/** A callback from OxaPay: its HMAC header checked with the key of its kind, then the bot's command. */
on(PREFIX + "onCallback", function () {
  var space = params.indexOf(" ");
  var kind = params.slice(0, space);
  var target = params.slice(space + 1);
  var key = getBotProperty(kind + "_api_key");
  var expected = CryptoJS.HmacSHA512(content, key).toString(CryptoJS.enc.Hex);
  var given = String((options.headers && options.headers.Hmac) || "").toLowerCase();
  if (given !== expected) throw new Error("OxaPayLibV1: a callback with a wrong HMAC was refused");
  Bot.runCommand(target, JSON.parse(content));
});

publish({
  setMerchantApiKey: setKey("merchant"),
  setPayoutApiKey: setKey("payout"),
  setGeneralApiKey: setKey("general"),
  setApiUrl: setApiUrl,
  apiCall: apiCall,
});
