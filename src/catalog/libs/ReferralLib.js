// ReferralLib (core; also `RefLib`), spec/bjs.md §6.2: referral links and who invited whom.
// A user's record, inviter and count are user properties (`REFLIB_*`); the users each one
// invited are the users of a List of theirs (REF_LIST); the inviters' top list is a
// TopBoardLib board.

const REF_LIST = "REFLIB_refList";
const TOP_BOARD = "REFLIB_top";
// The prefix a bot's links were made with (the store's library keeps it so): track reads
// links made by getLink(bot, "ref") without being told the prefix again.
const LINK_PREFIX = "REFLIB_refList_link_prefix";

/** What the library keeps of a user: enough to show and to credit them later. */
const recordOf = (member) => ({ id: member.id, telegramid: member.telegramid, first_name: member.first_name, last_name: member.last_name, username: member.username, language_code: member.language_code });

function requireUser(what) {
  if (!user) throw new Error("ReferralLib." + what + ": user is not defined");
  return user;
}

const userProp = (name, userId, fallback) => User.getProperty({ name: name, user_id: userId, default_value: fallback });
const setUserProp = (name, value, type, userId) => User.setProperty({ name: name, value: value, type: type, user_id: userId });

function getLink(botUsername, prefix) {
  const member = requireUser("getLink");
  const botName = botUsername || (bot && bot.name);
  setUserProp("REFLIB_user", recordOf(member), "json");
  if (prefix && prefix !== Bot.getProperty(LINK_PREFIX)) Bot.setProperty(LINK_PREFIX, String(prefix), "string");
  return "https://t.me/" + botName + "?start=" + (prefix || "user") + member.id;
}

/**
 * Call in /start: a start through someone's link credits them once (onAttracted(referrer), or
 * the older onAtractedByUser); a
 * user who started before (onAlreadyAttracted) or opened their own link (onTouchOwnLink) does not.
 */
function track(opts) {
  opts = opts || {};
  const member = requireUser("track");
  const prefix = opts.linkPrefix || Bot.getProperty(LINK_PREFIX) || "user";
  const call = (fn, arg) => (typeof fn === "function" ? fn(arg) : undefined);
  setUserProp("REFLIB_user", recordOf(member), "json");
  const text = String(params || "").trim();
  const refId = text.indexOf(prefix) === 0 ? parseInt(text.slice(prefix.length), 10) : NaN;
  const old = userProp("REFLIB_old_user", undefined, false) || userProp("REFLIB_attracted_by");
  if (isNaN(refId)) {
    if (!old) setUserProp("REFLIB_old_user", true, "boolean");
    return false;
  }
  if (refId === member.id) return call(opts.onTouchOwnLink), false;
  if (old) return call(opts.onAlreadyAttracted), false;
  const referrer = userProp("REFLIB_user", refId);
  setUserProp("REFLIB_old_user", true, "boolean");
  // A link of someone the bot never saw credits no one.
  if (!referrer) return false;
  setUserProp("REFLIB_attracted_by", referrer, "json");
  setUserProp("REFLIB_refsCount", Number(userProp("REFLIB_refsCount", refId, 0)) + 1, "integer", refId);
  new List({ name: REF_LIST, user_id: refId }).addUser(member);
  Libs.TopBoardLib.addScore({ value: 1, boardName: TOP_BOARD, maxCount: opts.topBoardMaxCount || 10, user: referrer });
  // onAtractedByUser (sic): the name older templates and their bots still use.
  call(opts.onAttracted || opts.onAtractedByUser, referrer);
  return true;
}

const getAttractedBy = () => userProp("REFLIB_attracted_by", requireUser("getAttractedBy").id) || null;
const getRefCount = (userId) => Number(userProp("REFLIB_refsCount", userId || requireUser("getRefCount").id, 0));

/**
 * The List of the users someone invited (spec/bjs.md §6.2). A list of users, not of
 * properties: `count` and `get()` are its users (older bots read them so), as `getUsers()`.
 */
function getRefList(userId) {
  const list = new List({ name: REF_LIST, user_id: userId || requireUser("getRefList").id });
  list.count = list.users_count;
  list.get = list.getUsers;
  return list;
}

const getTopList = () => ({
  get: () => Libs.TopBoardLib.getBoard(TOP_BOARD).map((entry) => ({ user: { id: entry.id, telegramid: entry.tgId, first_name: entry.first_name, last_name: entry.last_name, username: entry.username }, value: entry.value })),
});

function clearRef() {
  const member = requireUser("clearRef");
  setUserProp("REFLIB_attracted_by", null, undefined, member.id);
  setUserProp("REFLIB_old_user", null, undefined, member.id);
}

publish({
  getLink: getLink,
  track: track,
  getAttractedBy: getAttractedBy,
  getRefCount: getRefCount,
  getRefList: getRefList,
  getTopList: getTopList,
  clearRef: clearRef,
  // Bots.Business publishes it but never implemented it (spec/bjs.md §6.2): it does nothing.
  clearRefList: function () {},
  // The older names, still used by many bots.
  currentUser: {
    getRefLink: getLink,
    track: track,
    attractedByUser: getAttractedBy,
    getRefCount: () => getRefCount(),
    refList: { get: () => getRefList().get() },
  },
  topList: { get: () => getTopList().get() },
});
