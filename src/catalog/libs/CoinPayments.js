// CoinPayments (spec/bjs.md §6.2): CoinPayments' API (https://www.coinpayments.net/api.php)
// over HTTP. Calls are form bodies signed in the HMAC header (HMAC-SHA512 with the private
// key, with the core CryptoJS); answers `{error: "ok", result}`. Payment notifications
// (IPN) come to a Webhooks link (install Webhooks) of this library, are checked against the
// IPN secret (HMAC header) and then run the bot's commands with `options` = the IPN fields.
//   Libs.CoinPayments.setPublicKey("..."); Libs.CoinPayments.setPrivateKey("..."); Libs.CoinPayments.setIpnSecret("...");
//   Libs.CoinPayments.createTransaction({ fields: { amount: 10, currency1: "USD", currency2: "BTC" },
//     onSuccess: "/showAddress", onPaymentCompleted: "/paid" });

var DEFAULT_API_URL = "https://www.coinpayments.net/api.php";
var PREFIX = "CoinPayments_";

function keySetter(name) {
  return function (value) {
    if (!value) throw new Error("CoinPayments: the " + name.replace(/_/g, " ") + " is empty");
    setBotProperty(name, String(value), "string");
  };
}

function setApiUrl(url) {
  setBotProperty("api_url", String(url), "string");
}

function required(name) {
  var value = getBotProperty(name);
  if (!value) throw new Error("CoinPayments: set the " + name.replace(/_/g, " ") + " first");
  return value;
}

function formBody(fields) {
  return Object.keys(fields)
    .filter(function (key) { return fields[key] !== undefined && fields[key] !== null; })
    .map(function (key) { return encodeURIComponent(key) + "=" + encodeURIComponent(String(fields[key])); })
    .join("&");
}

/** An IPN link to this library: the IPN is checked, then `commands` (by IPN outcome) run. */
function ipnUrl(commands) {
  return Libs.Webhooks.getUrlFor({ command: PREFIX + "onIPN " + JSON.stringify(commands), user_id: user ? user.id : undefined });
}

/** Calls the API: `fields` hold `cmd` and its parameters; `onSuccess` gets `result`, `onError` `{error}`. */
function apiCall(spec) {
  if (!spec || !spec.fields || !spec.fields.cmd) throw new Error("CoinPayments.apiCall needs {fields: {cmd, ...}, onSuccess}");
  var fields = { version: 1, key: required("public_key"), format: "json" };
  for (var name in spec.fields) fields[name] = spec.fields[name];
  var body = formBody(fields);
  HTTP.post({
    url: getBotProperty("api_url") || DEFAULT_API_URL,
    body: body,
    headers: { "Content-Type": "application/x-www-form-urlencoded", HMAC: CryptoJS.HmacSHA512(body, required("private_key")).toString(CryptoJS.enc.Hex) },
    success: PREFIX + "onResponse",
    error: PREFIX + "onResponse",
    options: { onSuccess: spec.onSuccess || null, onError: spec.onError || null, cmd: fields.cmd },
  });
}

/** A payment: `onSuccess` gets the transaction (address, amount, checkout_url...); the IPN runs `onPaymentCompleted` / `onIPN` / `onError`. */
function createTransaction(spec) {
  if (!spec || !spec.fields) throw new Error("CoinPayments.createTransaction needs {fields, onSuccess}");
  var fields = { cmd: "create_transaction" };
  for (var name in spec.fields) fields[name] = spec.fields[name];
  fields.ipn_url = ipnUrl({ completed: spec.onPaymentCompleted, ipn: spec.onIPN, error: spec.onError });
  apiCall({ fields: fields, onSuccess: spec.onSuccess, onError: spec.onError });
}

function getTxInfo(spec) {
  if (!spec || !spec.txid) throw new Error("CoinPayments.getTxInfo needs {txid, onSuccess}");
  apiCall({ fields: { cmd: "get_tx_info", txid: spec.txid, full: spec.full ? 1 : undefined }, onSuccess: spec.onSuccess, onError: spec.onError });
}

/** A deposit address of the user's own; each deposit's IPN runs `onIncome` (completed) / `onIPN`. */
function createPermanentWallet(spec) {
  if (!spec || !spec.currency) throw new Error("CoinPayments.createPermanentWallet needs {currency, onSuccess, onIncome}");
  apiCall({
    fields: { cmd: "get_callback_address", currency: spec.currency, label: spec.label, ipn_url: ipnUrl({ completed: spec.onIncome, ipn: spec.onIPN, error: spec.onError }) },
    onSuccess: spec.onSuccess,
    onError: spec.onError,
  });
}

on(PREFIX + "onResponse", function () {
  var answer = null;
  try {
    answer = JSON.parse(content);
  } catch (e) {
    answer = null;
  }
  var error = !answer ? "CoinPayments did not answer (HTTP " + http_status + ")" : answer.error !== "ok" ? String(answer.error) : null;
  if (error === null) {
    if (options.onSuccess) Bot.runCommand(options.onSuccess, answer.result);
  } else if (options.onError) Bot.runCommand(options.onError, { error: error, cmd: options.cmd });
  else throw new Error("CoinPayments " + options.cmd + ": " + error);
});

/** An IPN: HMAC-SHA512 of the body with the IPN secret; status ≥ 100 or 2 is a completed payment, < 0 a failed one. */
on(PREFIX + "onIPN", function () {
  var commands = JSON.parse(params);
  var expected = CryptoJS.HmacSHA512(content, required("ipn_secret")).toString(CryptoJS.enc.Hex);
  if (String((options.headers && options.headers.Hmac) || "").toLowerCase() !== expected) throw new Error("CoinPayments: an IPN with a wrong HMAC was refused");
  var ipn = {};
  content.split("&").forEach(function (pair) {
    if (!pair) return;
    var at = pair.indexOf("=");
    var key = decodeURIComponent((at < 0 ? pair : pair.slice(0, at)).replace(/\+/g, " "));
    ipn[key] = at < 0 ? "" : decodeURIComponent(pair.slice(at + 1).replace(/\+/g, " "));
  });
  var status = Number(ipn.status);
  if (commands.ipn) Bot.runCommand(commands.ipn, ipn);
  if ((status >= 100 || status === 2) && commands.completed) Bot.runCommand(commands.completed, ipn);
  if (status < 0 && commands.error) Bot.runCommand(commands.error, { error: ipn.status_text || "payment failed", ipn: ipn });
});

publish({
  setPublicKey: keySetter("public_key"),
  setPrivateKey: keySetter("private_key"),
  setIpnSecret: keySetter("ipn_secret"),
  // Kept for old bots: IPNs come straight to a Webhooks link here, so no BB api key is used.
  setBBApiKey: keySetter("bb_api_key"),
  setApiUrl: setApiUrl,
  apiCall: apiCall,
  createTransaction: createTransaction,
  getTxInfo: getTxInfo,
  createPermanentWallet: createPermanentWallet,
});
