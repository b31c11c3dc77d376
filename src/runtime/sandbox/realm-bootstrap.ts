import type { ShapeTools } from "./realm-guard.js";

/** The host's read channel as the realm sees it (an isolated-vm Reference to an async function). */
interface HostChannel {
  applySyncPromise(receiver: undefined, args: [string, string]): string;
}

/** A lazy library's source by its key, answered by the isolate host itself (no platform round trip). */
interface LibSourceChannel {
  applySync(receiver: undefined, args: [number]): string | null;
}

/** A library of an execution as the realm gets it: its source only where this realm has not compiled it yet and it is not lazy. */
export interface RealmLib {
  name: string;
  key: number;
  code: string | null;
  lazy: boolean;
}

/**
 * Sets up one bot's realm inside an isolate, and answers the control the host drives each
 * execution with. Runs inside the isolate (injected with Function.prototype.toString, with the
 * surface and the guard injected beside it), so it may use only the isolate's own globals.
 *
 * The realm is built once per sandbox process into a V8 startup snapshot, with no host yet
 * (isolate-host.ts): every bot's realm is a fresh copy of it. Before anything of BJS runs, the
 * host hands the copy its read channels with `connect(host, libSource)`, which works once and
 * answers the objects the isolate's guard is to watch for this realm.
 *
 * An execution is two calls from the host:
 * - `exec(globals, key, code, listKey, libs, handler, sync)`: begins the surface with the globals
 *   (copied in by the host, so they are this realm's own objects), loads the execution's
 *   libraries (their list is sent once per realm, later named by its key; each library is
 *   compiled on first use as a function of the library helpers, its source named `lib:<Name>`;
 *   a lazy one's source is asked of the host only when BJS first reaches it, so a large core
 *   library costs nothing to runs that leave it alone), runs the body (compiled on first use through the Function
 *   constructor, so a body is exactly one function body and cannot close it early), and closes
 *   the surface. With a `handler`, the library function registered under that name runs
 *   instead of the body (an empty name: the libraries are only loaded, to learn their names);
 *   without one, the libraries' `@` handlers run first. When the call returns, the isolate runs the microtasks
 *   the body left (async functions): with the surface closed they can no longer act.
 *   With `sync` the host runs it on its own thread, where it cannot answer a read: a read
 *   throws there (and every later one), and the output says the execution must run again.
 * - `finish(globalsUntouched)`: the output, then the realm's half of the guard's restore
 *   (realm-guard.ts; the host then has the isolate's half restore the rest; `globalsUntouched`:
 *   the host knows the body could not change the global object, inert-body.ts). Nothing of
 *   BJS runs after it. The output leads with the guard's verdict (`+`, `!` or `-`), `~` if a
 *   read was missed, then `{"actions": [...], "error": {name, message, stack?, compile} | null,
 *   "handlers": [...]}`.
 *
 * Everything here that runs after the body uses tools captured before BJS ran, and reads
 * thrown values only through descriptors, so a patched prototype, a getter or a `toJSON`
 * cannot run, and what leaves the isolate is bounded text.
 */
export function realmBootstrap(
  global: any,
  deps: {
    config: { maxActions: number; maxActionBytes: number; maxReads: number; telegramMethods: readonly string[]; chatlessMethods: readonly string[]; renamedMethods: Record<string, string>; keyboardOnlyText: string; libraries: unknown };
    installSurface: (...args: any[]) => {
      begin(globals: unknown): void;
      loadLibs(list: { name: string; run: (...helpers: unknown[]) => void; lazy: boolean }[]): void;
      handler(name: string): ((...args: unknown[]) => unknown) | undefined;
      handlerNames(): string;
      close(): void;
      lacking(): string | undefined;
      take(): string;
    };
    installGuard: (global: any, tools: ShapeTools) => { record(): object[]; restore(untouched: boolean): string };
    shapeTools: () => ShapeTools;
    keyboardRows: (layout: unknown) => unknown;
    installCompat: (...args: any[]) => unknown;
    limits: { message: number; frames: number; frameText: number };
  },
): { connect(host: HostChannel, libSource: LibSourceChannel): object[]; exec(globals: Record<string, unknown>, key: number, code: string | null, listKey: number, libs: readonly RealmLib[] | null, handler: string | null, sync: boolean, limitMs: number): boolean; finish(globalsUntouched: boolean): string } {
  const { stringify } = JSON;
  const { apply, getOwnPropertyDescriptor, getPrototypeOf, defineProperty } = Reflect;
  const { hasOwn, freeze } = Object;
  const makeFunction = Function;
  /** A compiled body or library, frozen: BJS reaches it as `arguments.callee`, and it lives as long as the realm. */
  const compiled = (...parts: string[]) => {
    const made = makeFunction(...parts) as (...args: unknown[]) => void;
    freeze(made.prototype);
    return freeze(made);
  };
  const ErrorClass = Error;
  const errorPrototype = Error.prototype;
  const toText = String;
  const slice = String.prototype.slice;
  const startsWith = String.prototype.startsWith;
  const now = Date.now;
  let host: HostChannel | undefined;
  let applySyncPromise: HostChannel["applySyncPromise"];
  let libSource: LibSourceChannel | undefined;
  let applySync: LibSourceChannel["applySync"];
  const { limits } = deps;

  /** At most `length` characters of a text. */
  const bounded = (text: string, length: number) => (text.length > length ? apply(slice, text, [0, length]) + "…" : text);
  /** An own data property that is a string, or undefined (a getter is never called). */
  const ownString = (object: object, key: string) => {
    const descriptor = getOwnPropertyDescriptor(object, key);
    return descriptor && hasOwn(descriptor, "value") && typeof descriptor.value === "string" ? (descriptor.value as string) : undefined;
  };
  /** The `name` an error inherits from its prototypes (TypeError, RangeError...), found without getters. */
  const errorName = (error: object) => {
    let at: object | null = error;
    for (let depth = 0; at && depth < 8; depth++, at = getPrototypeOf(at)) {
      const name = ownString(at, "name");
      if (name !== undefined) return bounded(name, 100);
    }
    return "Error";
  };

  // Stacks are formatted by the realm, once, bounded, with only the body's frames (no host
  // or platform function names). Locked so that BJS cannot install a formatter of its own.
  defineProperty(ErrorClass, "prepareStackTrace", {
    __proto__: null,
    value(error: unknown, sites: any[]) {
      let text = "";
      let frames = 0;
      for (let i = 0; i < sites.length && frames < limits.frames; i++) {
        const site = sites[i];
        const file = site.getScriptNameOrSourceURL();
        if (file !== "bjs" && !(typeof file === "string" && apply(startsWith, file, ["lib:"]))) continue;
        const where = `${file}:${site.getLineNumber()}:${site.getColumnNumber()}`;
        const name = site.getFunctionName();
        text += `\n    at ${name && name !== "eval" ? `${bounded(toText(name), limits.frameText)} (${where})` : where}`;
        frames++;
      }
      const isObject = (typeof error === "object" || typeof error === "function") && error !== null;
      const message = isObject ? (ownString(error, "message") ?? "") : "";
      return `${isObject ? errorName(error) : "Error"}: ${bounded(message, limits.message)}${text}`;
    },
    writable: false,
    enumerable: false,
    configurable: false,
  } as PropertyDescriptor);

  /** Whether a value descends from Error.prototype (found without `instanceof`, which BJS can hook). */
  const isError = (value: unknown) => {
    if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
    let at: object | null = getPrototypeOf(value);
    for (let depth = 0; at && depth < 32; depth++, at = getPrototypeOf(at)) if (at === errorPrototype) return true;
    return false;
  };

  /**
   * A thrown value as bounded plain data (a null-prototype record, so no toJSON is looked up):
   * what the host gets of a BJS failure. `compile` marks a body that did not parse. A TypeError
   * about an undefined value also says what library the execution read and lacked, if it did
   * (`Libs.Name` is undefined): most likely what it used.
   */
  const describe = (thrown: unknown, compile: boolean, lacking: string | undefined) => {
    if (isError(thrown)) {
      const error = thrown as object;
      const name = errorName(error);
      const message = ownString(error, "message") ?? "";
      return {
        __proto__: null,
        name,
        message: bounded(name === "TypeError" && lacking !== undefined && message.includes("undefined") ? `${message} (${lacking})` : message, limits.message),
        stack: bounded(ownString(error, "stack") ?? "", limits.message * 2),
        compile,
      };
    }
    let message: string;
    if (typeof thrown === "string") message = thrown;
    else if (typeof thrown !== "object" || thrown === null) message = toText(thrown);
    else {
      // A thrown plain object is shown as JSON: its toJSON may run, while the surface is closed.
      try {
        message = toText(stringify(thrown));
      } catch {
        message = "[an object that cannot be shown]";
      }
    }
    return { __proto__: null, name: "Error", message: bounded(message, limits.message), compile };
  };

  /** The running execution runs on the host's own thread, where the host cannot answer a read. */
  let syncOnly = false;
  /** It needed a read there: its output is thrown away and it runs again where reads are answered. */
  let missed = false;
  let reads = 0;
  let readsUntil = 0;
  /**
   * A read waits for the host, and the isolate's time limit cannot stop BJS while it waits: a
   * loop of reads would run until the platform's watchdog ended the whole sandbox process. So
   * the realm refuses reads past the execution's cap or its time without asking the host, and
   * a loop that catches the refusals is plain code the time limit stops.
   */
  const hostRead = (name: string, args: string) => {
    if (syncOnly) {
      missed = true;
      throw new ErrorClass("a read that is answered only when the command runs again");
    }
    if (++reads > deps.config.maxReads) throw new ErrorClass(`Too many reads in one execution (the limit is ${deps.config.maxReads})`);
    if (now() >= readsUntil) throw new ErrorClass("The command's time is up: no more reads");
    return apply(applySyncPromise, host, [undefined, [name, args]]);
  };
  const surface = deps.installSurface(global, hostRead, deps.config, deps.keyboardRows, deps.installCompat);
  const bodies: Record<number, (...args: unknown[]) => void> = { __proto__: null } as any;
  /** A library compiled once per realm; one that does not compile throws that when used. */
  const compiledLib = (name: string, key: number, code: string | null) => {
    let run = bodies[key];
    if (run === undefined) {
      if (code === null) {
        const missing = new ErrorClass(`library ${name} was not sent to this realm`);
        return () => {
          throw missing;
        };
      }
      try {
        // The library helpers are its parameters (spec/bjs.md §6.1): the same in every library.
        run = compiled("publish", "on", "setBotProperty", "getBotProperty", "setUserProperty", "getUserProperty", "platformUrl", `${code}\n//# sourceURL=lib:${name}`);
      } catch (thrown) {
        const failure = new ErrorClass(`Library ${name} does not compile: ${isError(thrown) ? (ownString(thrown as object, "message") ?? "") : toText(thrown)}`);
        run = () => {
          throw failure;
        };
      }
      bodies[key] = run;
    }
    return run;
  };
  /** A lazy library: compiled, from the source the host keeps, only when it is first run. */
  const deferredLib = (name: string, key: number) =>
    function (this: unknown) {
      const run = bodies[key] ?? compiledLib(name, key, apply(applySync, libSource, [undefined, [key]]));
      return apply(run, undefined, arguments);
    };
  /** The lists of libraries executions named, by the host's key for each: built once per realm. */
  const libLists: Record<number, { name: string; run: (...args: unknown[]) => void; lazy: boolean }[]> = { __proto__: null } as any;
  let failure: string = "null";
  const guard = deps.installGuard(global, deps.shapeTools());

  return {
    connect(channel, sources) {
      if (host) throw new ErrorClass("the realm is connected already");
      host = channel;
      applySyncPromise = channel.applySyncPromise;
      libSource = sources;
      applySync = sources.applySync;
      return guard.record();
    },
    exec(globals, key, code, listKey, libs, handler, sync, limitMs) {
      // First, and it cannot fail: once this call returns, the host counts the list as known here.
      let list = libLists[listKey];
      if (list === undefined && libs !== null) {
        list = [];
        for (let i = 0; i < libs.length; i++) {
          const lib = libs[i]!;
          list[i] = { name: lib.name, run: lib.lazy ? deferredLib(lib.name, lib.key) : compiledLib(lib.name, lib.key, lib.code), lazy: lib.lazy };
        }
        libLists[listKey] = list;
      }
      surface.begin(globals);
      failure = "null";
      syncOnly = sync;
      missed = false;
      reads = 0;
      readsUntil = now() + limitMs;
      let compiling = false;
      try {
        if (list === undefined) throw new ErrorClass("the libraries were not sent to this realm");
        surface.loadLibs(list);
        if (handler !== null) {
          const run = handler === "" ? undefined : surface.handler(handler);
          if (handler !== "" && run === undefined) throw new ErrorClass(`No library handles the command ${handler}`);
          if (run !== undefined) apply(run, undefined, []);
        } else {
          const before = surface.handler("@");
          if (before !== undefined) apply(before, undefined, []);
          let body = bodies[key];
          if (body === undefined) {
            if (code === null) throw new ErrorClass("the body was not sent to this realm");
            compiling = true;
            // A newline first, so a trailing line comment cannot swallow the source name.
            body = compiled(`${code}\n//# sourceURL=bjs`);
            bodies[key] = body;
            compiling = false;
          }
          apply(body, undefined, []);
        }
      } catch (thrown) {
        surface.close();
        failure = stringify(describe(thrown, compiling, surface.lacking()));
      }
      surface.close();
      return compiling;
    },
    finish(globalsUntouched) {
      const handlers = surface.handlerNames();
      const actions = surface.take();
      const verdict = guard.restore(globalsUntouched === true);
      // The verdict leads (realm-guard.ts: "+" and "!" clean so far, "-" not), then "~" if the
      // execution needs to run again where reads are answered, for the host to read without parsing.
      const output = `${verdict}${missed ? "~" : ""}{"actions":[${actions}],"error":${failure},"handlers":${handlers}}`;
      failure = "null";
      syncOnly = missed = false;
      return output;
    },
  };
}
