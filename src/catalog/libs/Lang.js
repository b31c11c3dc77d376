// Lang (spec/bjs.md §6.2): translations. Each language's dictionary is the bot property
// `lang_lib_<code>`; the user's language is the user property `lang_lib_curLangName`; the
// first language set up is the default one until `default.setLang` says otherwise.

const DEFAULT_PROP = "lang_lib_default";

const defaultLang = () => Bot.getProperty(DEFAULT_PROP);

function setup(code, dictionary) {
  if (!code) throw new Error("Lang.setup needs a language code");
  if (!dictionary || typeof dictionary !== "object") throw new Error("Lang.setup needs a dictionary object");
  Bot.setProperty("lang_lib_" + code, dictionary, "json");
  if (!defaultLang()) Bot.setProperty(DEFAULT_PROP, String(code), "string");
}

function curLang() {
  return (user && User.getProperty("lang_lib_curLangName")) || defaultLang();
}

function get(lang) {
  const code = lang || curLang();
  const dictionary = code && Bot.getProperty("lang_lib_" + code);
  if (!dictionary) throw new Error("Lang: the language " + code + " is not set up (call Libs.Lang.setup first)");
  return dictionary;
}

function lookup(dictionary, path) {
  let value = dictionary;
  for (const key of String(path).split(".")) {
    if (value === undefined || value === null) return undefined;
    value = value[key];
  }
  return value;
}

/** The translation at a dotted path; a missing or empty one falls back to the default language. */
function t(path, lang) {
  const value = lookup(get(lang), path);
  if (value) return value;
  const fallback = defaultLang();
  return fallback ? lookup(get(fallback), path) : value;
}

/** The command a translated alias stands for (`aliases: {"Balance, 💰": "/balance"}`), case-insensitive. */
function getCommandByAlias(text, lang) {
  const aliases = get(lang).aliases || {};
  const wanted = String(text || "").trim().toLowerCase();
  for (const names of Object.keys(aliases)) {
    if (names.split(",").some((name) => name.trim().toLowerCase() === wanted)) return aliases[names];
  }
  return undefined;
}

function setUserLang(code) {
  if (!user) throw new Error("Lang.user.setLang: user is not defined");
  User.setProperty("lang_lib_curLangName", String(code), "string");
}

publish({
  setup: setup,
  get: get,
  t: t,
  getCommandByAlias: getCommandByAlias,
  user: { setLang: setUserLang, getCurLang: curLang, getLang: curLang },
  default: { setLang: (code) => Bot.setProperty(DEFAULT_PROP, String(code), "string"), getCurLang: defaultLang, getLang: defaultLang },
});
