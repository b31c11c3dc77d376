// Webhooks (spec/bjs.md §2.8): links that run a command of the bot when something outside
// calls them (GET or POST). The platform's intake checks the link's token, then runs the
// command with the request as `options` ({url, method, params, headers, ip}) and its body as
// `content`. The token is the store library's: md5(bot token + "-" + user id + "-" + command
// + " Salt is very salty!"), so only the bot (which knows its token) can make a valid link.

// MD5 (RFC 1321) of a text's UTF-8 bytes, in hex.
function md5(text) {
  var bytes = unescape(encodeURIComponent(text));
  var n = bytes.length;
  var words = [];
  for (var i = 0; i < n; i++) words[i >> 2] |= bytes.charCodeAt(i) << ((i % 4) * 8);
  words[n >> 2] |= 0x80 << ((n % 4) * 8);
  var total = (((n + 8) >> 6) + 1) * 16;
  for (var j = words.length; j < total; j++) words[j] = words[j] | 0;
  words[total - 2] = n * 8;
  var shifts = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
  var k = [];
  for (var t = 0; t < 64; t++) k[t] = Math.floor(Math.abs(Math.sin(t + 1)) * 4294967296) | 0;
  var h = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476];
  for (var block = 0; block < total; block += 16) {
    var a = h[0], b = h[1], c = h[2], d = h[3];
    for (var r = 0; r < 64; r++) {
      var f, g, round = r >> 4;
      if (round === 0) { f = (b & c) | (~b & d); g = r; }
      else if (round === 1) { f = (d & b) | (~d & c); g = (5 * r + 1) % 16; }
      else if (round === 2) { f = b ^ c ^ d; g = (3 * r + 5) % 16; }
      else { f = c ^ (b | ~d); g = (7 * r) % 16; }
      var sum = (a + f + k[r] + words[block + g]) | 0;
      var s = shifts[round * 4 + (r % 4)];
      a = d; d = c; c = b;
      b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
    }
    h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
  }
  var hex = "";
  for (var w = 0; w < 4; w++) for (var byte = 0; byte < 4; byte++) hex += ("0" + ((h[w] >>> (byte * 8)) & 0xff).toString(16)).slice(-2);
  return hex;
}

/** An address on the platform. A Git export carries this file: on Bots.Business, which has no `platformUrl`, the API host is `BB_API_URL`. */
function linkTo(path) {
  return typeof platformUrl === "function" ? platformUrl(path) : "https://" + BB_API_URL + path;
}

function tokenFor(userId, command) {
  return md5(bot.token + "-" + userId + "-" + command + " Salt is very salty!");
}

/** The link that runs `command` (as the user with internal id `user_id`, if given). */
function getUrlFor(options) {
  if (!options || typeof options.command !== "string" || options.command === "") throw new Error("Webhooks.getUrlFor needs {command}");
  var userId = options.user_id === undefined || options.user_id === null ? "" : String(options.user_id);
  var url = linkTo("/v1/bots/" + bot.id + "/new-webhook?&command=" + encodeURIComponent(options.command) + "&public_user_token=" + tokenFor(userId, options.command) + "&user_id=" + encodeURIComponent(userId));
  if (options.content !== undefined && options.content !== null) url += "&content=" + encodeURIComponent(typeof options.content === "string" ? options.content : JSON.stringify(options.content));
  // Botyard's own token of the target: the intake redirects only where the bot asked.
  if (options.redirect_to) url += "&redirect_to=" + encodeURIComponent(options.redirect_to) + "&redirect_token=" + md5(bot.token + "-redirect-" + options.redirect_to + " Salt is very salty!");
  return url;
}

/** A link without a user (Bots.Business's getGlobalUrl is broken; this one works as getUrlFor without user_id). */
function getGlobalUrl(options) {
  var rest = {};
  for (var key in options || {}) if (key !== "user_id") rest[key] = options[key];
  return getUrlFor(rest);
}

function getUrl() {
  throw new Error("Webhooks.getUrl is deprecated: use Libs.Webhooks.getUrlFor({command, user_id})");
}

publish({
  getUrlFor: getUrlFor,
  getGlobalUrl: getGlobalUrl,
  getUrl: getUrl,
});
