/**
 * The BJS surface: `Bot`, `User`, `Api`, `inspect` and friends, as BJS code sees them.
 *
 * This function runs inside the isolate, injected with Function.prototype.toString, so it
 * may use nothing but the isolate's own globals and its arguments:
 * - `hostCall(name, argsJson)`: a synchronous read from the host (property reads), answering JSON;
 * - `config`: the caps of one execution and the Telegram methods BJS may call;
 * - `keyboardRows`: the reply-keyboard layout shared with the host (keyboard-layout.ts);
 * - `installCompat`: AdminPanel, BBAdmin, List, WebApp, `data` and `statistics` (compat-surface.ts).
 * Every other call queues a plain JSON action; the host applies the actions after the body
 * ends (spec/bjs.md §0: "BJS is a synchronous sandbox that emits actions").
 *
 * Each action is serialised once, when it is queued, into the execution's output: what is
 * measured against the caps is what leaves the isolate, and no `toJSON` or getter of BJS runs
 * after the body. The host parses and checks that output again (src/runtime/actions.ts): these
 * checks only fail early with a clear message.
 *
 * It answers `begin(globals)`, `close()` (the body ended: BJS can no longer act or read) and
 * `take()` (the output, and the realm emptied), which the bootstrap calls around each body;
 * `globals.prefetched` holds property reads the host answered ahead (property-prefetch.ts).
 * Between `begin` and the body, `loadLibs` evaluates the execution's libraries (spec/bjs.md
 * §6.1); `handler(name)` answers a function a library registered with `on`.
 */
export function installBjsSurface(
  global: any,
  hostCall: (name: string, argsJson: string) => string,
  config: {
    maxActions: number;
    maxActionBytes: number;
    /** The options a run stored for later may carry (run-request.ts). */
    maxStoredOptionsBytes: number;
    telegramMethods: readonly string[];
    chatlessMethods: readonly string[];
    renamedMethods: Record<string, string>;
    /** The text a keyboard goes with when none is given (answer.ts). */
    keyboardOnlyText: string;
    /** The names of the per-execution globals (surface-config.ts). */
    contextNames: readonly string[];
    /** The store's library names, their older aliases, and the core libraries' global names (lib-sources.ts). */
    libraries: { store: readonly string[]; aliases: Record<string, string>; globals: Record<string, string> };
  },
  keyboardRows: (layout: unknown) => { text: string }[][],
  installCompat: typeof import("./compat-surface.js").installCompatSurface,
) {
  // The realm's own built-ins, taken before BJS runs: a body that puts another in a global's
  // place (JSON, Map) must not change what the surface does, nor reach `take`, which runs after
  // the body with no time limit (what BJS changes of their methods, the guard undoes after the
  // run). Held here, they also cost nothing to reach: a global name is a call into V8's runtime
  // each time a realm's copy of this code, not yet warm, reads it (with 1,000 bots taking
  // turns, most copies never warm up).
  const { String, Number, Object, Array, Date, Map, Error, JSON, Proxy } = globalThis;
  const { stringify, parse } = JSON;
  // Frozen for the realm's life: code that runs while BJS runs hands parts of it to methods BJS
  // can replace (`telegramMethods.includes`, `Object.keys(aliases)`, `hasOwn.call`), which then
  // hold them, and must not change what the realm's later runs may do.
  const freezeDeep = (value: unknown) => {
    if (typeof value !== "object" || value === null) return;
    for (const inner of Object.values(value)) freezeDeep(inner);
    Object.freeze(value);
  };
  freezeDeep(config);
  const entriesOf = Object.entries;
  const encodeUri = encodeURIComponent;
  const decodeEscapes = unescape;
  /** UTF-8 bytes of a text, as the host counts them (a lone surrogate counts as its worst case). */
  const utf8Bytes = (text: string) => {
    try {
      return decodeEscapes(encodeUri(text)).length;
    } catch {
      return text.length * 3;
    }
  };
  let outputBytes = 0;
  /** The queued actions, already serialised and comma-separated. */
  let output = "";
  let actionCount = 0;
  let open = false;
  /** What this execution knows of properties: its own writes, and the reads answered ahead. */
  let knownProps = new Map<string, any>();
  let current: any = {};

  const fail = (message: string): never => {
    throw new Error(message);
  };
  const ended = () => fail("The command has ended: BJS cannot act or read after its body (an async function or a late callback tried)");

  /** Queues an action, within the execution's count and size caps. */
  function act(action: any): void {
    if (!open) ended();
    if (actionCount >= config.maxActions) fail(`Too many actions in one execution (the limit is ${config.maxActions})`);
    const text: string = stringify(action);
    const bytes = utf8Bytes(text) + 1;
    if (outputBytes + bytes > config.maxActionBytes) fail(`The execution's output is too large (the limit is ${config.maxActionBytes} bytes)`);
    outputBytes += bytes;
    output = actionCount === 0 ? text : output + "," + text;
    actionCount++;
  }

  function read(name: string, args: any): any {
    if (!open) ended();
    return parse(hostCall(name, stringify(args)));
  }

  /**
   * A sub-command's text must name a command of the bot or a library's `on` handler (its
   * whole text, or its first word): a missing one throws where BJS called it (spec/bjs.md
   * §2.14), so the error reply and `!` follow, and `try` can catch it.
   */
  function requireCommand(text: string): void {
    const space = text.indexOf(" ");
    if (handlers.has(text) || (space > 0 && handlers.has(text.slice(0, space)))) return;
    if (read("commandExists", { command: text }) !== true) fail(`Command not found: ${text}`);
  }

  const isPlainObject = (v: any) => v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype;

  // ---- Telegram calls -------------------------------------------------------------------

  const callbackKeys = ["on_result", "on_error", "bb_options", "result_to_bot_property", "result_to_user_property"];

  /** Queues a Bot API call; BB-only keys ride along beside the Telegram parameters. */
  function api(method: string, params: any): void {
    if (params !== undefined && !isPlainObject(params)) fail(`Api.${method} needs an object of parameters`);
    const telegram: any = {};
    const callbacks: any = {};
    for (const [key, value] of Object.entries(params ?? {})) {
      if (callbackKeys.includes(key)) callbacks[key] = value;
      else telegram[key] = value;
    }
    if (telegram.chat_id === undefined && current.chat && needsChat(method)) telegram.chat_id = current.chat.chatid;
    act({ type: "api", method, params: telegram, ...callbacks });
  }

  const needsChat = (method: string) => !config.chatlessMethods.includes(method);

  const Api: any = {
    call(method: any, params?: any) {
      const camel = String(method).replace(/_([a-z])/g, (_m: string, c: string) => c.toUpperCase());
      const name = hasOwn.call(config.renamedMethods, camel) ? config.renamedMethods[camel]! : camel;
      if (!config.telegramMethods.includes(name)) fail(`Api.call: "${method}" is not an allowed Telegram method`);
      api(name, params);
    },
  };
  for (const method of config.telegramMethods) Api[method] = (params?: any) => api(method, params);
  for (const [old, method] of Object.entries(config.renamedMethods)) Api[old] = (params?: any) => api(method, params);

  // ---- Messages and keyboards -----------------------------------------------------------

  function currentChatId(what: string): any {
    if (!current.chat) fail(`${what}: there is no current chat; pass chat_id`);
    return current.chat.chatid;
  }

  /**
   * The message an edit names: the one given, or without an id, in a button's callback, the
   * message whose button was pressed (spec/bjs.md §1.6), or the inline message of one pressed
   * under an inline-mode result.
   */
  function messageToEdit(caller: string, messageId: any, chatId?: any): Record<string, unknown> {
    const given = messageId !== undefined && messageId !== null;
    const pressed = current.request?.message;
    if (!given && !pressed && current.request?.inline_message_id) return { inline_message_id: current.request.inline_message_id };
    return {
      message_id: given ? messageId : (pressed?.message_id ?? fail(`${caller}: no message to edit; pass message_id`)),
      chat_id: chatId ?? pressed?.chat?.id ?? currentChatId(caller),
    };
  }

  /** `parse_mode` defaults to Markdown; `null` sends plain text (spec/bjs.md §2.3). */
  function messageParams(text: any, options: any): any {
    const params: any = { ...(isPlainObject(options) ? options : {}) };
    params.text = typeof text === "string" ? text : String(text);
    if (!("parse_mode" in params)) params.parse_mode = "Markdown";
    if (params.parse_mode === null) delete params.parse_mode;
    if (params.is_reply) {
      if (current.request?.message_id) params.reply_to_message_id = current.request.message_id;
      delete params.is_reply;
    }
    return params;
  }

  function sendMessage(textOrParams: any, options?: any): void {
    if (isPlainObject(textOrParams)) {
      const { text, ...rest } = textOrParams;
      if (text === undefined) fail("Bot.sendMessage: text is required");
      const params = messageParams(text, rest);
      if (params.chat_id === undefined) params.chat_id = currentChatId("Bot.sendMessage");
      api("sendMessage", params);
      return;
    }
    api("sendMessage", { chat_id: currentChatId("Bot.sendMessage"), ...messageParams(textOrParams, options) });
  }

  function inspect(value: any): string {
    const seen = new WeakSet();
    try {
      const text = stringify(
        value,
        (_key, v) => {
          if (typeof v === "function") return `[Function ${v.name || "anonymous"}]`;
          if (typeof v === "bigint") return `${v}n`;
          if (v === undefined) return "undefined";
          if (v && typeof v === "object") {
            if (seen.has(v)) return "[Circular]";
            seen.add(v);
          }
          return v;
        },
        2,
      );
      return text === undefined ? String(value) : text;
    } catch {
      return String(value);
    }
  }

  /** `{title, command}` → callback button, `{title, url}` → link; nested arrays are rows, a flat array one button a row. */
  function inlineKeyboard(buttons: any): any[][] {
    if (!Array.isArray(buttons)) fail("Inline keyboard buttons must be an array");
    const button = (b: any) => {
      if (!isPlainObject(b)) fail("An inline button must be an object like {title, command} or {title, url}");
      if (b.text !== undefined && (b.callback_data !== undefined || b.url !== undefined)) return b;
      const title = String(b.title ?? b.text ?? "");
      if (b.url) return { text: title, url: String(b.url) };
      const data = String(b.command ?? "");
      const size = utf8Bytes(data);
      if (size < 1 || size > 64) fail(`Inline button "${title}": command must be 1 to 64 bytes (callback_data), got ${size}`);
      return { text: title, callback_data: data };
    };
    return buttons.map((row: any) => (Array.isArray(row) ? row.map(button) : [button(row)]));
  }

  const forChatsValues = ["all", "private-chats", "group-chats", "super-group-chats"];

  /** The legacy text broadcasts (spec/bjs.md item 40): Markdown, like Bot.sendMessage. */
  function sendToAll(forChats: string) {
    return function (text: any) {
      const message = typeof text === "string" ? text : String(text ?? "");
      if (!message) fail("Bot.sendMessageToAll*: text is required");
      act({ type: "sendToAll", text: message, for_chats: forChats, parse_mode: "Markdown" });
    };
  }

  /**
   * `new RunAllTask({id})`: a broadcast task of this bot, read from the host. A task that is
   * not found has a null `status` (spec/bjs.md §2.10).
   */
  function RunAllTask(this: any, spec?: any) {
    if (!new.target) fail("RunAllTask must be called with new");
    const found = read("runAllTask", { id: Number(isPlainObject(spec) ? spec.id : spec) });
    Object.assign(this, found ?? { id: isPlainObject(spec) ? spec.id : spec, status: null });
  }

  // ---- Caching (spec/bjs.md §2.11) ----------------------------------------------------------

  function setCache(scope: string, seconds: any): void {
    const time = Number(seconds);
    if (!Number.isFinite(time) || time <= 0) fail(`${scope === "bot" ? "Bot" : "User"}.setCache needs a number of seconds`);
    if (scope === "user" && !current.user) fail("User.setCache: user is not defined");
    act({ type: "setCache", scope, seconds: time });
  }
  function clearCache(scope: string, command: any): void {
    const name = String(command ?? current.command?.name ?? "").trim();
    if (!name) fail(`${scope === "bot" ? "Bot" : "User"}.clearCache needs the command's name`);
    if (scope === "user" && !current.user) fail("User.clearCache: user is not defined");
    act({ type: "clearCache", scope, command: name });
  }

  const compat = installCompat({ act, read, fail, isPlainObject, current: () => current });

  const Bot: any = {
    sendMessage,
    inspect(value: any) {
      api("sendMessage", { chat_id: currentChatId("Bot.inspect"), text: inspect(value) });
    },
    sendMessageToChatWithId(chatId: any, text: any, options?: any) {
      api("sendMessage", { ...messageParams(text, options), chat_id: chatId });
    },
    /** To a chat of this bot found by its title (spec/bjs.md §2.3). */
    sendMessageToChat(title: any, text: any, options?: any) {
      act({ type: "chatMessage", title: String(title ?? ""), params: messageParams(text, options) });
    },
    sendKeyboard(buttons: any, text: any, options?: any) {
      // Only buttons, as an old FAQ calls it (spec/bjs.md §2.3): Telegram takes no empty text.
      const params = messageParams(text === undefined || text === null || text === "" ? config.keyboardOnlyText : text, options);
      api("sendMessage", { chat_id: currentChatId("Bot.sendKeyboard"), ...params, reply_markup: { keyboard: keyboardRows(buttons), resize_keyboard: true } });
    },
    sendInlineKeyboard(buttons: any, text: any, options?: any) {
      const params = messageParams(text ?? "", options);
      api("sendMessage", { chat_id: currentChatId("Bot.sendInlineKeyboard"), ...params, reply_markup: { inline_keyboard: inlineKeyboard(buttons) } });
    },
    sendInlineKeyboardToChatWithId(chatId: any, buttons: any, text: any, options?: any) {
      api("sendMessage", { ...messageParams(text ?? "", options), chat_id: chatId, reply_markup: { inline_keyboard: inlineKeyboard(buttons) } });
    },
    editMessage(text: any, messageId: any, options?: any) {
      api("editMessageText", { ...messageParams(text, options), ...messageToEdit("Bot.editMessage", messageId) });
    },
    editMessageInChat(chatId: any, text: any, messageId: any) {
      api("editMessageText", { ...messageParams(text, {}), chat_id: chatId, message_id: messageId });
    },
    editInlineKeyboard(buttons: any, messageId?: any, chatId?: any) {
      api("editMessageReplyMarkup", { reply_markup: { inline_keyboard: inlineKeyboard(buttons) }, ...messageToEdit("Bot.editInlineKeyboard", messageId, chatId) });
    },
    runCommand(command: any, options?: any) {
      const text = String(command ?? "").trim();
      if (!text) fail("Bot.runCommand: command is required");
      requireCommand(text);
      act({ type: "runCommand", command: text, options: options ?? null });
    },
    /**
     * Without `run_after` and in the same place, a sub-command now; otherwise a run stored for
     * later (a changed destination waits about a second), with this user and chat unless named.
     */
    run(spec: any) {
      if (!isPlainObject(spec) || !spec.command) fail("Bot.run needs {command}");
      const command = String(spec.command).trim();
      const elsewhere = ["user_id", "chat_id", "user_telegramid", "bot_id"].some((k) => spec[k] !== undefined && spec[k] !== null);
      // A null run_after is none, as Bots.Business's server reads JSON null.
      const delayed = spec.run_after !== undefined && spec.run_after !== null;
      if (!delayed && !elsewhere) {
        if (!spec.ignoreMissingCommand) requireCommand(command);
        act({ type: "runCommand", command, options: spec.options ?? null, ignoreMissingCommand: !!spec.ignoreMissingCommand });
        return;
      }
      const runAfter = delayed ? Number(spec.run_after) : 1;
      if (!Number.isFinite(runAfter) || runAfter < 0) fail("Bot.run: run_after must be a number of seconds, 0 or more");
      const schedule: any = { type: "schedule", command, run_after: runAfter, options: storedOptions(spec.options, "Bot.run") };
      if (spec.label !== undefined && spec.label !== null) schedule.label = String(spec.label);
      for (const key of ["bot_id", "user_id", "user_telegramid", "chat_id"]) if (spec[key] !== undefined && spec[key] !== null) schedule[key] = Number(spec[key]);
      act(schedule);
    },
    clearRunAfter(spec?: any) {
      const label = isPlainObject(spec) ? spec.label : spec;
      act(label === undefined || label === null ? { type: "clearRunAfter" } : { type: "clearRunAfter", label: String(label) });
    },
    blockChat(chatId: any) {
      act({ type: "blockChat", chat_id: chatId ?? fail("Bot.blockChat needs the chat's id (chat.id)") });
    },
    unblockChat(chatId: any) {
      act({ type: "unblockChat", chat_id: chatId ?? fail("Bot.unblockChat needs the chat's id (chat.id)") });
    },
    /** A broadcast: `command` runs in every chat of `for_chats`, each with `options.task` (spec/bjs.md §5). */
    runAll(spec: any) {
      if (!isPlainObject(spec) || !spec.command) fail("Bot.runAll needs {command}");
      const forChats = spec.for_chats ?? "all";
      if (!forChatsValues.includes(forChats)) fail(`Bot.runAll: for_chats must be one of ${forChatsValues.join(", ")}`);
      const action: any = { type: "runAll", command: String(spec.command).trim(), for_chats: forChats, options: storedOptions(spec.options, "Bot.runAll") };
      if (spec.on_create) action.on_create = String(spec.on_create).trim();
      act(action);
    },
    setCache: (seconds: any) => setCache("bot", seconds),
    clearCache: (command: any) => clearCache("bot", command),
    /** From `url`, else the bot's csv_url; `success` gets `options.task` (its counters and row errors). */
    importCSV(spec?: any) {
      const params = isPlainObject(spec) ? spec : {};
      act({ type: "importCSV", ...(params.url !== undefined && params.url !== null && { url: String(params.url) }), ...background(params, "Bot.importCSV") });
    },
    /** From the bot's git_remote (`branch`, else its default branch); replaces the commands, folders and libraries. */
    importGit: (spec?: any) => gitAction("importGit", spec),
    /** To the bot's git_remote, on `branch` or a new `BB_Export_<unix time>` one (`options.branch` says which). */
    exportGit: (spec?: any) => gitAction("exportGit", spec),
    sendMessageToAllChats: sendToAll("all"),
    sendMessageToAllPrivateChats: sendToAll("private-chats"),
    sendMessageToAllGroupChats: sendToAll("group-chats"),
    sendMessageToAllSuperGroupChats: sendToAll("super-group-chats"),
  };

  /**
   * Options kept with a run stored for later: bounded as a property's value is, and said here,
   * where the code can catch it, rather than refusing the execution's actions after it ended.
   */
  function storedOptions(options: any, where: string): any {
    const value = options ?? null;
    const size = utf8Bytes(stringify(value) ?? "null");
    if (size > config.maxStoredOptionsBytes) fail(`${where}: options may be ${config.maxStoredOptionsBytes} bytes of JSON at most, not ${size}: keep larger data in a property and pass its name`);
    return value;
  }

  /** The callbacks of a background operation, and the options they get back as `bb_options`. */
  function background(params: any, where: string): any {
    const out: any = { options: storedOptions(params.options, where) };
    if (params.success) out.success = String(params.success);
    if (params.error) out.error = String(params.error);
    return out;
  }

  function gitAction(type: string, spec: any): void {
    const params = isPlainObject(spec) ? spec : {};
    act({ type, ...(params.branch !== undefined && params.branch !== null && { branch: String(params.branch) }), ...background(params, `Bot.${type}`) });
  }

  // ---- Properties (spec/bjs.md §3) ------------------------------------------------------

  const MAX_NAME = 255;
  const propertyTypes = ["integer", "float", "boolean", "string", "text", "json", "datetime"];
  const MAX_PROPERTY_BYTES = 10 * 1024;

  function inferType(value: any): string {
    if (typeof value === "string") return value.length > 255 ? "text" : "string";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "float";
    if (typeof value === "boolean") return "boolean";
    if (value instanceof Date) return "datetime";
    if (isPlainObject(value)) return "json";
    if (Array.isArray(value)) fail('An array property needs the explicit type "json"');
    return fail(`A property value cannot be ${typeof value}`);
  }

  /** The value as stored: checked against its type and the size limit. */
  function storedValue(value: any, type: string): any {
    let stored: any = value;
    if (type === "datetime") {
      const date = value instanceof Date ? value : new Date(value);
      if (Number.isNaN(date.getTime())) fail("A datetime property needs a valid date");
      stored = date.toISOString();
    } else if (type === "integer" || type === "float") {
      // A blank text is no number, though Number("") is 0.
      stored = typeof value === "string" && value.trim() === "" ? NaN : Number(value);
      const shown = typeof value === "number" ? String(value) : inspect(value);
      if (!Number.isFinite(stored)) fail(`A property of type ${type} needs a number, got ${shown}`);
      if (type === "integer") {
        // Bots.Business does not say what it does; cut toward zero (as an integer cast does), the bot goes on.
        stored = Math.trunc(stored);
        // Past 2^53 a number has no exact integer: the host would refuse it after this run read it back.
        if (!Number.isSafeInteger(stored)) fail(`A property of type integer must be within ±${Number.MAX_SAFE_INTEGER}, got ${shown}`);
      }
    } else if (type === "boolean") {
      stored = value === true || value === "true" || value === 1;
    } else if (type === "string" || type === "text") {
      stored = typeof value === "string" ? value : String(value);
    } else {
      stored = parse(stringify(value) ?? "null");
    }
    const size = utf8Bytes(stringify(stored));
    if (size > MAX_PROPERTY_BYTES) fail(`Property value is too large: ${size} bytes (the limit is ${MAX_PROPERTY_BYTES})`);
    return stored;
  }

  function revive(found: any): any {
    if (!found || !found.found) return undefined;
    return found.type === "datetime" ? new Date(found.value) : found.value;
  }

  /**
   * Where a property lives: the bot, or one user of it. A user named by Telegram id is resolved
   * to the internal id, so both addressings reach (and read back) the same value.
   */
  function target(scope: string, spec: any, what: string): any {
    const where: any = { scope };
    if (spec.bot_id !== undefined || spec.other_bot_id !== undefined) where.bot_id = Number(spec.bot_id ?? spec.other_bot_id);
    if (scope === "user") {
      if (spec.user_id !== undefined) where.user_id = Number(spec.user_id);
      else if (spec.user_telegramid !== undefined) {
        const telegramid = Number(spec.user_telegramid);
        const own = current.user && current.user.telegramid === telegramid && where.bot_id === undefined;
        where.user_id = own ? current.user.id : read("userId", { bot_id: where.bot_id, user_telegramid: telegramid });
        if (where.user_id === null) fail(`${what}: no user with Telegram id ${telegramid} in this bot`);
      } else if (current.user) where.user_id = current.user.id;
      else fail(`${what}: user is not defined`);
    }
    return where;
  }
  const keyOf = (where: any, name: string) => stringify([where.scope, where.bot_id ?? null, where.user_id ?? null, name]);

  function properties(defaultScope: string, owner: string) {
    const scopeOf = (spec: any) => (spec.user_id !== undefined || spec.user_telegramid !== undefined ? "user" : defaultScope);
    function set(nameOrSpec: any, value?: any, type?: any): void {
      const spec = isPlainObject(nameOrSpec) ? nameOrSpec : { name: nameOrSpec, value, type };
      const name = String(spec.name ?? "");
      if (!name) fail(`${owner}.setProp: name is required`);
      const where = target(scopeOf(spec), spec, `${owner}.setProp`);
      const list = spec.list === undefined || spec.list === null ? undefined : compat.listRef(spec.list);
      const key = keyOf(where, name);
      // Untyped, NaN and ±Infinity reach Bots.Business's backend as JSON's null (a bot's
      // parseInt of a word): that deletes, as null does. Typed as a number, they throw below.
      const unmade = typeof spec.value === "number" && !Number.isFinite(spec.value) && (spec.type === undefined || spec.type === null);
      if (spec.value === null || spec.value === undefined || unmade) {
        knownProps.set(key, { found: false });
        act({ type: "setProp", ...where, name, value: null, value_type: null });
        return;
      }
      const valueType = spec.type === undefined || spec.type === null ? inferType(spec.value) : String(spec.type).toLowerCase();
      if (!propertyTypes.includes(valueType)) fail(`${owner}.setProp: unknown type "${spec.type}" (use one of ${propertyTypes.join(", ")})`);
      const stored = storedValue(spec.value, valueType);
      knownProps.set(key, { found: true, value: stored, type: valueType });
      act({ type: "setProp", ...where, name, value: stored, value_type: valueType, ...(list && { list }) });
    }
    function get(nameOrSpec: any, fallback?: any): any {
      const spec = isPlainObject(nameOrSpec) ? nameOrSpec : { name: nameOrSpec, default_value: fallback };
      const name = String(spec.name ?? "");
      if (!name) fail(`${owner}.getProp: name is required`);
      const where = target(scopeOf(spec), spec, `${owner}.getProperty`);
      const key = keyOf(where, name);
      const found = knownProps.has(key) ? knownProps.get(key) : read("getProp", { ...where, name });
      const value = revive(found);
      return value === undefined ? spec.default_value : value;
    }
    return {
      setProp: set,
      setProperty: set,
      getProp: get,
      getProperty: get,
      deleteProp(nameOrSpec: any) {
        const spec = isPlainObject(nameOrSpec) ? nameOrSpec : { name: nameOrSpec };
        set({ ...spec, value: null });
      },
    };
  }

  Object.assign(Bot, properties("bot", "Bot"));

  const User: any = {
    ...properties("user", "User"),
    addToGroup(group: any) {
      if (!current.user) fail("User.addToGroup: user is not defined");
      current.user_group = String(group);
      act({ type: "setGroup", user_id: current.user.id, group: String(group) });
    },
    getGroup() {
      if (!current.user) fail("User.getGroup: user is not defined");
      return current.user_group ?? null;
    },
    removeGroup() {
      if (!current.user) fail("User.removeGroup: user is not defined");
      current.user_group = null;
      act({ type: "setGroup", user_id: current.user.id, group: null });
    },
    sendMessage,
    setCache: (seconds: any) => setCache("user", seconds),
    clearCache: (command: any) => clearCache("user", command),
  };

  // ---- HTTP (spec/bjs.md §2.6) ----------------------------------------------------------

  /** Queues a request; its answer runs `success` (any status) or, when none came, `error`. */
  function http(method: string, params: any): void {
    if (typeof params === "string") params = { url: params };
    if (!isPlainObject(params) || typeof params.url !== "string" || !params.url) fail(`HTTP.${method.toLowerCase()} needs {url}`);
    const request: any = { type: "http", method, url: params.url, options: storedOptions(params.options, `HTTP.${method.toLowerCase()}`) };
    if (isPlainObject(params.headers)) {
      request.headers = {};
      for (const [key, value] of Object.entries(params.headers)) request.headers[key] = String(value);
    }
    if (params.body !== undefined) request.body = params.body;
    if (params.cookies !== undefined) request.cookies = String(params.cookies);
    if (params.folow_redirects !== undefined || params.follow_redirects !== undefined) request.follow_redirects = !!(params.folow_redirects ?? params.follow_redirects);
    if (params.success) request.success = String(params.success);
    if (params.error) request.error = String(params.error);
    act(request);
  }
  const HTTP: any = {
    get: (params: any) => http("GET", params),
    post: (params: any) => http("POST", params),
    put: (params: any) => http("PUT", params),
    delete: (params: any) => http("DELETE", params),
    options: (params: any) => http("OPTIONS", params),
    // Placeholders in Bots.Business too (spec/bjs.md §2.6).
    patch() {},
    trace() {},
  };

  // ---- CurrencyQuote (spec/bjs.md §6.2) -------------------------------------------------

  /** The rates tables this execution read (each kind once): `{rates, details?, age_s}`. */
  let currencyTables: any = {};
  const ratesOf = (kind: "fiat" | "crypto") => (currencyTables[kind] ??= read("currencyRates", { kind }));

  /** `CurrencyQuote.fiat` / `.crypto`: a rate per symbol (`fiat.EUR`), `getCachingTime()`, and for crypto `details`. */
  const ratesView = (kind: "fiat" | "crypto") => {
    const getCachingTime = () => ratesOf(kind).age_s;
    const details = new Proxy(Object.create(null), { get: (_t, key) => (typeof key === "string" ? ratesOf("crypto").details?.[key.toUpperCase()] : undefined) });
    return new Proxy(Object.create(null), {
      get(_target, key) {
        if (key === "getCachingTime") return getCachingTime;
        if (kind === "crypto" && key === "details") return details;
        if (typeof key !== "string" || key === "then" || key === "toJSON") return undefined;
        return ratesOf(kind).rates[key.toUpperCase()];
      },
    });
  };

  /** What one unit of a currency is worth in US dollars (fiat rates are per dollar, coins in dollars). */
  const dollarsPerUnit = (symbol: any) => {
    const code = String(symbol ?? "").trim().toUpperCase();
    const fiat = ratesOf("fiat").rates[code];
    if (fiat) return 1 / fiat;
    const coin = ratesOf("crypto").rates[code];
    if (coin) return coin;
    return fail(`CurrencyQuote.convert: unknown currency ${String(symbol)}`);
  };

  const CurrencyQuote = {
    fiat: ratesView("fiat"),
    crypto: ratesView("crypto"),
    /** `amount` of `from` in `to`, through US dollars. */
    convert(spec: any) {
      if (!isPlainObject(spec)) fail("CurrencyQuote.convert needs {amount, from, to}");
      const amount = Number(spec.amount);
      if (!amount || !Number.isFinite(amount)) fail("CurrencyQuote.convert: amount must be a number other than 0");
      return (amount * dollarsPerUnit(spec.from)) / dollarsPerUnit(spec.to);
    },
  };

  // ---- Libraries (spec/bjs.md §6.1) -----------------------------------------------------

  /**
   * One library of the execution: `run` is its compiled source, a function of the library
   * helpers (`publish`, `on` and the property helpers), evaluated at most once per execution
   * in its own scope.
   */
  interface LoadedLib {
    name: string;
    run: (...helpers: unknown[]) => void;
    state: "new" | "loading" | "loaded" | "failed";
    exports?: any;
    failure?: unknown;
  }
  const { store: storeLibs, aliases: libAliases, globals: coreGlobals } = config.libraries;
  const objectPrototype = Object.prototype;
  const hasOwn = Object.prototype.hasOwnProperty;
  let libs = new Map<string, LoadedLib>();
  /** The first library BJS asked `Libs` for that the bot lacks, said with what to do, for the error it likely causes. */
  let lacking: string | undefined;
  /** What libraries registered with `on`: command names (and `*`, `@`) to their functions. */
  let handlers = new Map<string, (...args: unknown[]) => unknown>();
  /**
   * Their names, serialised as they are registered (bounded: the host checks them again), so
   * that nothing of BJS runs when the output is taken.
   */
  let handlerNamesJson = "";
  const MAX_HANDLERS = 100;

  /** The helpers a library's source sees, bound to its identity. */
  function libHelpers(lib: LoadedLib): unknown[] {
    // Library properties live under the library's name: its own, apart from the bot's.
    const own = (name: any) => `lib:${lib.name}:${String(name)}`;
    return [
      function publish(exports: any) {
        if ((typeof exports !== "object" && typeof exports !== "function") || exports === null) fail(`publish in library ${lib.name} needs an object`);
        lib.exports = lib.exports === undefined ? exports : Object.assign(lib.exports, exports);
      },
      function on(name: any, fn: any) {
        if (typeof fn !== "function") fail(`on("${String(name)}") in library ${lib.name} needs a function`);
        const key = String(name);
        if (handlers.has(key)) return;
        if (handlers.size >= MAX_HANDLERS) fail(`Too many handlers registered with on() (the limit is ${MAX_HANDLERS})`);
        if (key.length > MAX_NAME) fail(`on() in library ${lib.name}: the name is longer than ${MAX_NAME} characters`);
        handlers.set(key, fn);
        handlerNamesJson = handlerNamesJson === "" ? stringify(key) : handlerNamesJson + "," + stringify(key);
      },
      (name: any, value: any, type?: any) => Bot.setProperty(own(name), value, type),
      (name: any, fallback?: any) => Bot.getProperty(own(name), fallback),
      (name: any, value: any, type?: any) => User.setProperty(own(name), value, type),
      (name: any, fallback?: any) => User.getProperty(own(name), fallback),
      // A link back to the platform (its public origin, with scheme, unlike BB_API_URL).
      (path: any) => String(current.platform_url ?? "") + String(path ?? ""),
    ];
  }

  /** A library's exports, evaluating it on first use; a library that failed throws its failure again. */
  function loadLib(lib: LoadedLib): any {
    if (lib.state === "failed") throw lib.failure;
    if (lib.state === "new") {
      lib.state = "loading";
      try {
        lib.run(...libHelpers(lib));
        lib.state = "loaded";
      } catch (failure) {
        lib.state = "failed";
        lib.failure = failure;
        throw failure;
      }
    }
    // A library that reaches itself while loading sees what it published so far.
    return lib.exports ?? (lib.exports = {});
  }

  const libNamed = (name: string) => libs.get(hasOwn.call(libAliases, name) ? libAliases[name]! : name);
  const libNames = () => [...libs.keys(), ...Object.keys(libAliases).filter((alias) => libs.has(libAliases[alias]!))];

  /**
   * `Libs`: the execution's libraries by name. Another name is undefined, as in Bots.Business,
   * where bots and libraries test `if (Libs.Name)`; what to install is said with the error
   * using it raises (`lacking`).
   */
  const libsView = new Proxy(Object.create(null), {
    get(_target, key) {
      if (typeof key === "symbol") return undefined;
      const lib = libNamed(key);
      if (lib) return loadLib(lib);
      if (key in objectPrototype) return (objectPrototype as any)[key];
      if (key === "toJSON" || key === "then") return undefined;
      lacking ??= storeLibs.includes(key)
        ? `Libs.${key} is undefined: the library ${key} is not installed in this bot, install it first`
        : `Libs.${key} is undefined: this bot has no library named ${key} (install it from the store, or add libs/${key}.js to the bot's repository)`;
      return undefined;
    },
    has: (_target, key) => typeof key === "string" && libNamed(key) !== undefined,
    ownKeys: () => libNames(),
    getOwnPropertyDescriptor(_target, key) {
      const lib = typeof key === "string" ? libNamed(key) : undefined;
      return lib ? { value: loadLib(lib), writable: false, enumerable: true, configurable: true } : undefined;
    },
    // It outlives the execution (one per realm): nothing may change it, not even its extensibility.
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
    setPrototypeOf: () => false,
    preventExtensions: () => false,
  });

  /** Accessors on the global object (fixed functions, so the realm guard sees no change). */
  const libGlobals: Record<string, () => unknown> = { Libs: () => (open ? libsView : ended()) };
  for (const [libName, globalName] of Object.entries(coreGlobals)) {
    libGlobals[globalName] = () => {
      if (!open) ended();
      const lib = libNamed(libName);
      return lib ? loadLib(lib) : fail(`${globalName} is not installed in this bot: install the library ${libName} first`);
    };
  }
  for (const [name, get] of Object.entries(libGlobals)) Object.defineProperty(global, name, { get, set() {}, enumerable: false, configurable: true });

  const surface: any = {
    Bot,
    User,
    Api,
    inspect,
    HTTP,
    ...compat.surface,
    RunAllTask,
    CurrencyQuote,
    GoogleAnalytics: { track() {}, trackEvent() {} },
    Segment: { track() {}, trackEvent() {}, identify() {} },
  };
  // The surface is the platform's API: frozen, so BJS cannot rewire it (an assignment to
  // Bot.sendMessage does nothing) and the realm guard need not watch it.
  for (const [name, value] of Object.entries(surface)) {
    Object.defineProperty(global, name, { value: Object.freeze(value), writable: true, enumerable: false, configurable: true });
  }

  /**
   * The per-execution globals of spec/bjs.md §2.2; null where the trigger has none. They are
   * accessors fixed for the realm's life (so its guard sees no change, and an execution neither
   * writes nor empties the global object), reading this execution's values: an assignment in
   * BJS changes what BJS reads, never what the surface acts on.
   */
  const { contextNames } = config;
  const noContext: unknown[] = contextNames.map(() => null);
  /** The execution's values as given, and as BJS may have reassigned them since. */
  let givenValues = noContext;
  let contextValues = noContext;
  /**
   * Each name's place, to fill the values from the globals' entries. Read by name instead
   * (`globals[name]`), one site sees every name on objects of every realm's own shapes: with
   * 1,000 bots taking turns V8's lookup cache cannot hold them, and each read became a call
   * into V8's runtime, 15 a run.
   */
  const contextIndex = new Map<string, number>();
  contextNames.forEach((name, i) => contextIndex.set(name, i));
  /**
   * The legacy `data` (compat-surface.ts), of the values as given, is built only when an
   * execution reads it: few do. BJS runs meanwhile, so this calls no method it could replace.
   */
  const dataAt = contextNames.indexOf("data");
  const dataPlaces = compat.dataNames.map((name) => contextIndex.get(name)!);
  const unread = {};
  const defineOwn = Object.defineProperty;
  const dataOfGiven = () => {
    const data = {};
    for (let i = 0; i < dataPlaces.length; i++) {
      // Defined, not assigned, from a record with no prototype: no accessor BJS put on Object.prototype runs.
      defineOwn(data, compat.dataNames[i]!, { __proto__: null, value: givenValues[dataPlaces[i]!], writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
    }
    return data;
  };
  contextNames.forEach((name, i) => {
    const get = i === dataAt ? () => (contextValues[i] === unread ? (contextValues[i] = dataOfGiven()) : contextValues[i]) : () => contextValues[i];
    const set = (value: unknown) => {
      if (open) contextValues[i] = value;
    };
    Object.defineProperty(global, name, { get, set, enumerable: false, configurable: true });
  });

  return {
    begin(globals: any): void {
      libs = new Map();
      lacking = undefined;
      handlers = new Map();
      handlerNamesJson = "";
      output = "";
      outputBytes = 0;
      actionCount = 0;
      knownProps = new Map();
      currencyTables = {};
      current = globals;
      open = true;
      compat.begin();
      givenValues = noContext.slice();
      const given = entriesOf(globals);
      for (let i = 0; i < given.length; i++) {
        const at = contextIndex.get(given[i]![0]);
        if (at !== undefined) givenValues[at] = given[i]![1] ?? null;
      }
      contextValues = givenValues.slice();
      contextValues[dataAt] = unread;
      for (const { scope, name, ...read } of globals.prefetched ?? []) {
        knownProps.set(keyOf(scope === "user" ? { scope, user_id: current.user.id } : { scope }, name), read);
      }
    },
    close(): void {
      open = false;
    },
    /** What library the execution asked for and lacks, if any: said with a TypeError it ended with. */
    lacking: (): string | undefined => lacking,
    /**
     * Takes the execution's libraries (in install order, compiled by the bootstrap) and
     * evaluates those not marked lazy. A library that fails to load does not stop the
     * execution: using it throws its failure (logged with its `lib:<Name>` frames).
     */
    loadLibs(list: { name: string; run: (...helpers: unknown[]) => void; lazy: boolean }[]): void {
      for (const { name, run } of list) libs.set(name, { name, run, state: "new" });
      for (const { name, lazy } of list) {
        if (lazy) continue;
        try {
          loadLib(libs.get(name)!);
        } catch {
          // Kept in the library's state, thrown again where BJS uses it.
        }
      }
    },
    /** The function a library registered with `on(name)`, if any. */
    handler(name: string): ((...args: unknown[]) => unknown) | undefined {
      return handlers.get(name);
    },
    /** The names libraries registered with `on`, as a JSON array. */
    handlerNames(): string {
      return `[${handlerNamesJson}]`;
    },
    /** The serialised actions (a JSON array's inside); the realm is emptied for the next execution. */
    take(): string {
      const actions = output;
      open = false;
      output = "";
      outputBytes = 0;
      actionCount = 0;
      current = {};
      knownProps = new Map();
      libs = new Map();
      handlers = new Map();
      handlerNamesJson = "";
      givenValues = contextValues = noContext;
      return actions;
    },
  };
}
