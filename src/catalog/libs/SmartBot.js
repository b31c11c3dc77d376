// SmartBot (spec/bjs.md §6.2, a core class): a bot's answers written as data, per language.
//   var smartBot = new SmartBot();
//   smartBot.setupLng("en", { commands: { "/start": { text: "Hi {name}!", keyboard: "Help, Shop" } },
//                             types: { coin: "💰" }, titles: { back: "Back" } });
//   smartBot.add({ name: user.first_name }).handle();   // in @@: answers /start from its template
// A template's keys: text, keyboard (a layout string), inline_buttons ([[{text, command|url}]]),
// photo, parse_mode, chat_id, alias/aliases, alert / alert_top (answers a pressed button),
// edit (edits the pressed message), run (a command to run after). `{key}` is replaced by the
// values given with add/set; a whole value "#/types/coin" refers into the language's data.

var LANG_PROPERTY = "SmartBot_lng";

function SmartBot(options) {
  if (!(this instanceof SmartBot)) return new SmartBot(options);
  this.options = options || {};
  this.languages = {};
  this.defaultLng = null;
  this.values = {};
}

/** Sets up (or replaces) a language; the first one is the default. */
SmartBot.prototype.setupLng = function (code, data) {
  if (!code || !data || typeof data !== "object") throw new Error("SmartBot.setupLng needs a language code and {commands, types, titles}");
  this.languages[code] = { commands: data.commands || {}, types: data.types || {}, titles: data.titles || {} };
  if (!this.defaultLng) this.defaultLng = code;
  return this;
};

SmartBot.prototype.getUserLang = function () {
  var chosen = user ? User.getProperty(LANG_PROPERTY) : null;
  return chosen && this.languages[chosen] ? chosen : this.defaultLng;
};

SmartBot.prototype.setUserLang = function (code) {
  if (!this.languages[code]) throw new Error("SmartBot: language " + code + " is not set up");
  User.setProperty(LANG_PROPERTY, code, "string");
  return this;
};

SmartBot.prototype.language = function () {
  var code = this.getUserLang();
  if (!code) throw new Error("SmartBot: no language is set up (call setupLng first)");
  return this.languages[code];
};

/** Values for `{key}` placeholders: add merges an object, set one key. */
SmartBot.prototype.add = function (values) {
  for (var key in values || {}) this.values[key] = values[key];
  return this;
};

SmartBot.prototype.set = function (key, value) {
  this.values[key] = value;
  return this;
};

/** What "#/section/path" refers to in the user's language (then the default one). */
SmartBot.prototype.reference = function (value) {
  if (typeof value !== "string" || value.indexOf("#/") !== 0) return value;
  var path = value.slice(2).split("/");
  var find = function (language) {
    var node = language;
    for (var i = 0; i < path.length && node !== undefined && node !== null; i++) node = node[path[i]];
    return node;
  };
  var found = find(this.language());
  if (found === undefined && this.defaultLng) found = find(this.languages[this.defaultLng]);
  return found === undefined ? value : found;
};

/** A text with its `{key}` placeholders filled and its references (whole or inside it) followed. */
SmartBot.prototype.fill = function (text, values) {
  var self = this;
  var extra = values || {};
  var resolved = this.reference(text);
  if (typeof resolved !== "string") return resolved;
  var filled = resolved.replace(/\{([\w.]+)\}/g, function (whole, key) {
    var value = key in extra ? extra[key] : self.values[key];
    if (value === undefined) return whole;
    var shown = self.reference(value);
    return typeof shown === "object" ? JSON.stringify(shown) : String(shown);
  });
  return filled.replace(/#\/[\w-]+(?:\/[\w-]+)*/g, function (ref) {
    var found = self.reference(ref);
    return typeof found === "string" || typeof found === "number" ? String(found) : ref;
  });
};

SmartBot.prototype.template = function (name) {
  var own = this.language().commands[name];
  if (own) return own;
  return this.defaultLng ? this.languages[this.defaultLng].commands[name] : undefined;
};

/** Sends the template of `name` (a command name or any key of `commands`), with extra values. */
SmartBot.prototype.run = function (name, values) {
  var t = this.template(name);
  if (!t) throw new Error("SmartBot: no template " + name + " in language " + this.getUserLang());
  var self = this;
  var fill = function (value) { return self.fill(value, values); };
  var options = t.parse_mode ? { parse_mode: t.parse_mode } : {};
  var pressed = request && request.data !== undefined && request.id ? request : null;
  if ((t.alert || t.alert_top) && pressed) {
    Api.answerCallbackQuery({ callback_query_id: pressed.id, text: fill(t.alert || t.alert_top), show_alert: !!t.alert });
  }
  var inline = t.inline_buttons ? fill(t.inline_buttons) : null;
  var rows = inline && inline.map(function (row) {
    return (Array.isArray(row) ? row : [row]).map(function (b) {
      var button = { text: fill(b.text || b.title || "") };
      if (b.url) button.url = fill(b.url);
      else button.callback_data = fill(b.command || b.callback_data || "");
      return button;
    });
  });
  if (t.text !== undefined || t.photo) {
    var text = fill(t.text === undefined ? "" : t.text);
    var markup = rows ? { inline_keyboard: rows } : t.keyboard ? { keyboard: String(fill(t.keyboard)).split(/\\n|\n/).map(function (r) { return r.split(",").map(function (l) { return { text: l.trim() }; }).filter(function (b) { return b.text; }); }), resize_keyboard: true } : undefined;
    var target = t.chat_id ? fill(t.chat_id) : undefined;
    if (t.photo) {
      Api.sendPhoto({ chat_id: target, photo: fill(t.photo), caption: text, parse_mode: t.parse_mode, reply_markup: markup });
    } else if (t.edit && pressed && pressed.message) {
      Api.editMessageText({ chat_id: pressed.message.chat.id, message_id: pressed.message.message_id, text: text, parse_mode: t.parse_mode, reply_markup: rows ? markup : undefined });
    } else if (target !== undefined) {
      Api.sendMessage({ chat_id: target, text: text, parse_mode: t.parse_mode, reply_markup: markup });
    } else if (markup) {
      Api.sendMessage({ text: text, parse_mode: t.parse_mode, reply_markup: markup });
    } else {
      Bot.sendMessage(text, options);
    }
  }
  if (t.run) Bot.runCommand(fill(t.run));
  return true;
};

/** The template name whose alias the text is (case-insensitive), or false; with `name`, whether it is that one's. */
SmartBot.prototype.isAlias = function (text, name) {
  var said = String(text === undefined ? message : text || "").trim().toLowerCase();
  var own = this.language().commands;
  var fallback = this.defaultLng ? this.languages[this.defaultLng].commands : {};
  var names = Object.keys(own).concat(Object.keys(fallback).filter(function (key) { return !(key in own); }));
  for (var i = 0; i < names.length; i++) {
    var key = names[i];
    var t = this.template(key);
    var aliases = [].concat(t.aliases || [], t.alias || []).map(function (a) { return String(a).trim().toLowerCase(); });
    if (aliases.indexOf(said) >= 0 && (name === undefined || name === key)) return name === undefined ? key : true;
  }
  return false;
};

/** In `@@`: answers the current command (or the alias the message is) from its template; false without one. */
SmartBot.prototype.handle = function () {
  var name = command && this.template(command.name) ? command.name : this.isAlias(message);
  if (!name) return false;
  return this.run(name);
};

publish(SmartBot);
