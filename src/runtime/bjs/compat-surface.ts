/**
 * The rest of the BJS surface real Bots.Business bots use (spec/bjs.md §2.7, §2.9, §2.12,
 * §7 and the legacy names of §2.1/§2.2): `AdminPanel`, `BBAdmin`, `List`, `WebApp`, and the
 * `data` wrapper and `statistics` of old bots. Like surface.ts it runs inside the isolate, injected with
 * Function.prototype.toString, so it uses only the isolate's globals and the kit it is given:
 * reads go to the host (`read`), writes are queued actions (`act`), checked again by the host.
 */
export function installCompatSurface(kit: {
  act(action: any): void;
  read(name: string, args: any): any;
  fail(message: string): never;
  isPlainObject(value: any): boolean;
  current(): any;
}) {
  const { act, read, fail, isPlainObject } = kit;
  // The realm's own built-ins, held from the start as in surface.ts.
  const { String, Number, Object, Array, Date, Map, Math, JSON } = globalThis;
  const { stringify, parse } = JSON;
  // Captured before the realm guard blocks the constructor for BJS: templates are compiled here.
  const makeFunction = Function;
  const clone = (value: any) => (value === undefined ? undefined : parse(stringify(value)));

  // ---- AdminPanel (spec/bjs.md §7) -------------------------------------------------------

  /** Panels as this execution sees them: read once, then with its own writes applied. */
  let panels = new Map<string, any>();

  function panelNow(name: string): any {
    if (!panels.has(name)) panels.set(name, read("panel", { name }));
    return panels.get(name);
  }
  const nameOf = (what: string, value: any) => {
    const name = typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
    if (!name) fail(`${what} is required`);
    return name;
  };
  const fieldSpec = (what: string, spec: any) => {
    if (!isPlainObject(spec)) fail(`${what} needs {panel_name, field_name}`);
    return { panel: nameOf(`${what}: panel_name`, spec.panel_name), field: nameOf(`${what}: field_name`, spec.field_name) };
  };

  const AdminPanel = {
    /** `setPanel({panel_name, data, force})`, or the older `setPanel(name, data)`. */
    setPanel(specOrName: any, legacyData?: any) {
      const spec = isPlainObject(specOrName) ? specOrName : { panel_name: specOrName, data: legacyData };
      const name = nameOf("AdminPanel.setPanel: panel_name", spec.panel_name);
      const data = spec.data ?? {};
      if (!isPlainObject(data)) fail("AdminPanel.setPanel: data must be an object");
      if (data.fields !== undefined && data.fields !== null && !Array.isArray(data.fields)) fail("AdminPanel.setPanel: data.fields must be an array");
      const force = spec.force === true;
      const old = panelNow(name);
      const fields = (data.fields ?? []).map((field: any) => {
        if (!isPlainObject(field)) fail("AdminPanel.setPanel: every field must be an object with a name");
        const kept = !force && old ? old.fields.find((o: any) => o.name === field.name) : undefined;
        return { ...clone(field), value: kept ? kept.value : field.value === undefined ? null : clone(field.value) };
      });
      act({ type: "setPanel", panel_name: name, data: { ...clone(data), fields }, force });
      panels.set(name, { panel_name: name, title: data.title ?? null, description: data.description ?? null, index: data.index ?? 0, icon: data.icon ?? null, button_title: data.button_title ?? null, on_saving: clone(data.on_saving) ?? null, fields });
    },
    getPanel(name: any) {
      return clone(panelNow(nameOf("AdminPanel.getPanel: panel_name", name)) ?? undefined);
    },
    getPanelField(spec: any) {
      const { panel, field } = fieldSpec("AdminPanel.getPanelField", spec);
      return clone(panelNow(panel)?.fields.find((f: any) => f.name === field));
    },
    getFieldValue(spec: any) {
      const { panel, field } = fieldSpec("AdminPanel.getFieldValue", spec);
      return clone(panelNow(panel)?.fields.find((f: any) => f.name === field)?.value ?? undefined);
    },
    getPanelValues(name: any) {
      const panel = panelNow(nameOf("AdminPanel.getPanelValues: panel_name", name));
      const values: any = {};
      for (const field of panel?.fields ?? []) values[field.name] = clone(field.value);
      return values;
    },
    /** Queues the change; true once queued. A missing panel or field is not created. */
    setFieldValue(spec: any) {
      const { panel, field } = fieldSpec("AdminPanel.setFieldValue", spec);
      if (!("value" in spec)) fail("AdminPanel.setFieldValue: value is required");
      act({ type: "setPanelField", panel_name: panel, field_name: field, value: clone(spec.value) ?? null });
      const known = panelNow(panel)?.fields.find((f: any) => f.name === field);
      if (known) known.value = clone(spec.value) ?? null;
      return true;
    },
    deletePanel(name: any) {
      const panel = nameOf("AdminPanel.deletePanel: panel_name", name);
      act({ type: "deletePanel", panel_name: panel });
      panels.set(panel, null);
    },
  };

  // ---- BBAdmin (spec/bjs.md §2.12) --------------------------------------------------------

  const installBot = (params: any) => {
    if (!isPlainObject(params) || params.bot_id === undefined || !params.email) fail("BBAdmin.installBot needs {bot_id, email}");
    act({ type: "installBot", ...clone(params), bot_id: Number(params.bot_id), email: String(params.email) });
  };
  const platformOnly = (name: string) =>
    function () {
      fail(`BBAdmin.${name} is for the platform's administrators; bot owners cannot call it`);
    };
  const BBAdmin: any = {
    installBot,
    cloneBot: installBot,
    attractUser() {
      fail("BBAdmin.attractUser: Botyard has no affiliate accounts to attract users to");
    },
  };
  for (const name of ["tgSignIn", "addChildAccount", "unlinkAllChildAccounts", "getParentAccount", "getParentAccountDetails", "addExtraPointsToIterationQuota", "installPaidStoreBot", "resetPassword", "getAccountBalance"]) {
    BBAdmin[name] = platformOnly(name);
  }

  // ---- Lists (spec/bjs.md §2.9) -----------------------------------------------------------

  /** Which list a `List`, a list name or `{name, user_id}` means, as actions carry it. */
  function listRef(list: any): any {
    if (typeof list === "string" && list) return { name: list };
    if (list && typeof list === "object" && typeof list.name === "string" && list.name) return list.user_id ? { name: list.name, user_id: Number(list.user_id) } : { name: list.name };
    return fail("A list is named by a string or a List");
  }

  const userIdOf = (what: string, who: any) => {
    const id = who && typeof who === "object" ? who.id : who;
    if (id === undefined || id === null || !Number.isSafeInteger(Number(id))) fail(`${what} needs a user or {id}`);
    return Number(id);
  };

  function List(this: any, spec: any) {
    if (!(this instanceof List)) fail("List is a class: use new List({name})");
    if (!isPlainObject(spec) || !spec.name) fail("new List needs {name}");
    const userId = spec.user_id ?? spec.user?.id;
    const ref = listRef({ name: String(spec.name), user_id: userId });
    const known = read("list", ref);
    const list = this;
    list.name = ref.name;
    list.user_id = ref.user_id ?? null;
    list.id = known.id;
    list.exist = known.exist;
    list.count = known.count;
    list.users_count = known.users_count;
    list.page = 1;
    list.per_page = 100;
    list.order_by = spec.order_by ?? null;
    list.order_ascending = spec.order_ascending ?? true;
    Object.defineProperty(list, "total_pages", { get: () => Math.max(1, Math.ceil(list.count / list.per_page)), enumerable: true });
    const op = (name: string, extra?: any) => act({ type: "list", op: name, list: listRef(list), ...extra });
    const page = () => ({ ...listRef(list), page: Math.max(1, Math.floor(Number(list.page) || 1)), per_page: Math.min(100, Math.max(1, Math.floor(Number(list.per_page) || 100))) });
    Object.assign(list, {
      create() {
        op("create");
        list.exist = true;
      },
      remove() {
        op("remove");
        list.exist = false;
      },
      get: () => read("listRecords", page()).map((record: any) => (record.value_type === "datetime" ? { ...record, value: new Date(record.value) } : record)),
      getUsers: () => read("listUsers", page()),
      addUser: (who: any) => op("addUser", { user_id: userIdOf("List.addUser", who) }),
      rejectUser: (who: any) => op("rejectUser", { user_id: userIdOf("List.rejectUser", who) }),
      rejectAllUsers: () => op("rejectAllUsers"),
      // `member_id`: the list's own `user_id` says whose list it is.
      haveUser: (who: any) => read("listUser", { ...listRef(list), member_id: userIdOf("List.haveUser", who) }),
      getUser: (who: any) => read("listUser", { ...listRef(list), member_id: userIdOf("List.getUser", who) }),
      rejectProperty: (name: any) => op("rejectProperty", { property: nameOf("List.rejectProperty: name", name) }),
      removeProperty: (name: any) => op("removeProperty", { property: nameOf("List.removeProperty: name", name) }),
      removeAll() {
        op("removeAll");
        list.exist = false;
      },
      // Deletes the attached properties, as Bots.Business does today (documented as "detach").
      rejectAll: () => op("rejectAll"),
      // Present, with an empty implementation, in Bots.Business today (spec/bjs.md §2.9).
      search: () => [],
      // Counts here are never stale.
      isRecountNeeded: () => false,
      recount(options?: any) {
        const onComplete = isPlainObject(options) ? options.onComplete : undefined;
        if (onComplete) act({ type: "runCommand", command: String(onComplete), options: { list: { name: list.name, id: list.id, count: list.count } } });
      },
    });
  }

  // ---- WebApp (spec/bjs.md §2.7) ----------------------------------------------------------

  /** `<% expr %>` (and `<%= expr %>`) replaced by the expression's value, with the page's context in scope. */
  function renderTemplate(template: string, options: any): string {
    const current = kit.current();
    return template.replace(/<%=?([\s\S]+?)%>/g, (_whole, expr: string) => {
      let value: any;
      try {
        value = makeFunction("options", "bot", "user", "chat", "params", `return (${expr});`)(options, current.bot, current.user, current.chat, current.params);
      } catch (error: any) {
        fail(`WebApp.render: the template expression <%${expr}%> failed: ${error?.message ?? error}`);
      }
      return value === undefined || value === null ? "" : typeof value === "object" ? stringify(value) : String(value);
    });
  }

  const WebApp = {
    /** A public URL on the platform that runs `command` (which calls WebApp.render), with `options` in its query. */
    getUrl(spec: any) {
      if (!isPlainObject(spec) || !spec.command) fail("WebApp.getUrl needs {command}");
      const options: any = {};
      for (const [key, value] of Object.entries(isPlainObject(spec.options) ? spec.options : {})) options[key] = typeof value === "object" ? stringify(value) : String(value);
      return read("webAppUrl", { command: String(spec.command), options });
    },
    /** The page's answer: `content` (an object is JSON), or the code of the `template` command filled in. */
    render(spec: any) {
      if (!isPlainObject(spec)) fail("WebApp.render needs {content} or {template}");
      let content = spec.content;
      if (spec.template !== undefined) {
        const code = read("commandCode", { name: String(spec.template) });
        if (code === null) fail(`WebApp.render: no command ${spec.template} to use as the template`);
        content = renderTemplate(code, spec.options ?? kit.current().options);
      }
      if (content === undefined) fail("WebApp.render needs {content} or {template}");
      act({ type: "render", content: clone(content), ...(spec.mime_type !== undefined && { mime_type: String(spec.mime_type) }) });
    },
  };

  /** The legacy `data` wrapper of 2018-2019 bots: the execution's context under one name, these of its names (surface.ts builds it). */
  const dataNames: readonly string[] = ["message", "params", "options", "user", "chat", "bot", "command", "request", "tgUpdate", "content", "http_status", "http_headers", "cookies"];

  /** The legacy `statistics`: the bot's users and chats, counted when read. */
  const statistics = {};
  for (const name of ["users_count", "chats_count", "private_chats_count", "group_chats_count"]) {
    Object.defineProperty(statistics, name, { get: () => (read("statistics", {}) ?? {})[name], enumerable: true });
  }

  return {
    surface: { AdminPanel, BBAdmin, List, WebApp, statistics },
    listRef,
    dataNames,
    begin() {
      panels = new Map();
    },
  };
}
