// MembershipChecker (spec/bjs.md §6.2): whether the user is a member of the chats and channels
// the admin panel lists. `check()` asks Telegram (getChatMember) about each chat, each answer
// a callback run of its own (1 iteration per chat); the commands named in the panel then run
// with `options.chat_id` (or `options.chats`). `handle()` in `@` checks again once the panel's
// delay has passed since the last check, for users checked before.

var PANEL = "MembershipChecker";
var JOINED = ["member", "administrator", "creator"];
/** A check still waiting for answers stands for this long: check() meanwhile does nothing. */
var THROTTLE_MS = 2000;
var CALLBACK_PREFIX = "MembershipChecker_";

function setup() {
  var commandField = function (name, title, description) {
    return { name: name, title: title, description: description, type: "string", placeholder: "/" + name, icon: "flash" };
  };
  AdminPanel.setPanel({
    panel_name: PANEL,
    data: {
      title: "Membership checker",
      description: "The chats and channels users must join, and the commands that follow a check",
      icon: "person-add",
      fields: [
        { name: "chats", title: "Chats and channels", description: "@usernames or ids, separated by commas (the bot must be an admin there)", type: "string", placeholder: "@myChannel, @myChat", icon: "chatbubbles" },
        { name: "checkTime", title: "Delay between automatic checks, in minutes", type: "integer", placeholder: "20", value: 20, icon: "time" },
        commandField("onNeedJoining", "onNeedJoining", "Runs for each chat the user is not in (options.chat_id)"),
        commandField("onNeedAllJoining", "onNeedAllJoining", "Runs once after a check when the user is not in every chat (options.chats: those missing)"),
        commandField("onJoining", "onJoining", "Runs for each chat the user has just joined (options.chat_id)"),
        commandField("onAllJoining", "onAllJoining", "Runs once when the user has just become a member of every chat"),
        commandField("onStillJoined", "onStillJoined", "Runs after check() when the user was and still is in every chat"),
        commandField("onError", "onError", "Runs when Telegram refuses a check (options.chat_id, options.error)"),
      ],
    },
  });
}

function field(name) {
  return AdminPanel.getFieldValue({ panel_name: PANEL, field_name: name });
}

/** The chats of the panel, as the comma string it holds. */
function getChats() {
  return String(field("chats") || "");
}

function chatList() {
  return getChats()
    .split(",")
    .map(function (chat) { return chat.trim(); })
    .filter(function (chat) { return chat !== ""; });
}

function state() {
  return getUserProperty("state") || { chats: {} };
}

/** The last decision for a chat, or (without one) for all of them. */
function isMember(chatId) {
  var known = state().chats;
  if (chatId !== undefined) return known[String(chatId)] === true;
  var chats = chatList();
  return chats.length > 0 && chats.every(function (chat) { return known[chat] === true; });
}

/** The chats the user is not (known to be) in, as a comma string. */
function getNotJoinedChats() {
  var known = state().chats;
  return chatList()
    .filter(function (chat) { return known[chat] !== true; })
    .join(", ");
}

function runPanelCommand(name, options) {
  var target = String(field(name) || "").trim();
  if (target) Bot.runCommand(target, options);
}

/** Asks Telegram about every chat of the panel; `automatic` (from handle) leaves out onStillJoined. */
function check(automatic) {
  if (!user) throw new Error("MembershipChecker.check needs a user");
  var chats = chatList();
  if (chats.length === 0) throw new Error("MembershipChecker: no chats to check; run Libs.MembershipChecker.setup() and fill the admin panel");
  var now = Date.now();
  var current = state();
  if (current.pending > 0 && now - current.checkedAt < THROTTLE_MS) return;
  current.checkedAt = now;
  current.pending = chats.length;
  current.joined = 0;
  current.automatic = automatic === true;
  setUserProperty("state", current, "json");
  chats.forEach(function (chat) {
    Api.getChatMember({ chat_id: chat, user_id: user.telegramid, on_result: CALLBACK_PREFIX + "onResult " + chat, on_error: CALLBACK_PREFIX + "onError " + chat });
  });
}

/** In `@`: checks again when the panel's delay has passed since this user's last check. */
function handle() {
  if (!user || !command || command.name.indexOf(CALLBACK_PREFIX) === 0) return;
  var last = state().checkedAt;
  // A user never checked is left to the bot's own check() (in /start, say).
  if (!last) return;
  var minutes = Number(field("checkTime")) || 20;
  if (Date.now() - last < minutes * 60000) return;
  check(true);
}

/** One chat's answer; the last answer of a check decides the events for all chats. */
function settle(chat, joined) {
  var current = state();
  var was = current.chats[chat] === true;
  current.chats[chat] = joined;
  if (joined && !was) current.joined = (current.joined || 0) + 1;
  current.pending = Math.max(0, (current.pending || 1) - 1);
  setUserProperty("state", current, "json");
  if (joined && !was) runPanelCommand("onJoining", { chat_id: chat });
  if (!joined) runPanelCommand("onNeedJoining", { chat_id: chat });
  if (current.pending > 0) return;
  var missing = chatList().filter(function (c) { return current.chats[c] !== true; });
  if (missing.length > 0) runPanelCommand("onNeedAllJoining", { chats: missing.join(", ") });
  else if (current.joined > 0) runPanelCommand("onAllJoining", {});
  else if (!current.automatic) runPanelCommand("onStillJoined", {});
}

on(CALLBACK_PREFIX + "onResult", function () {
  settle(params, JOINED.indexOf(options.result && options.result.status) >= 0);
});

on(CALLBACK_PREFIX + "onError", function () {
  var current = state();
  current.pending = Math.max(0, (current.pending || 1) - 1);
  setUserProperty("state", current, "json");
  runPanelCommand("onError", { chat_id: params, error: options.error });
});

publish({
  setup: setup,
  check: function () { check(false); },
  handle: handle,
  isMember: isMember,
  getChats: getChats,
  getNotJoinedChats: getNotJoinedChats,
});
