import ivm from "isolated-vm";
import { installBjsSurface } from "../bjs/surface.js";
import { keyboardRows } from "../keyboard-layout.js";
import { BODY_FILE } from "./body.js";
import { installRealmGuard } from "./realm-guard.js";

/** Caps on one execution. */
export interface ExecutionLimits {
  maxActions: number;
  maxActionBytes: number;
}

/** Answers the synchronous reads BJS makes (property reads), with JSON in and out. */
export type HostReads = (name: string, argsJson: string) => Promise<string>;

/** What one body run produced: its queued actions and, when it failed, the raw error. */
export interface RawOutcome {
  actions: unknown[];
  error?: { name: string; message: string; stack?: string };
}

// The injected functions are compiled code: some compilers (esbuild's keepNames, as under tsx)
// wrap them in a \`__name\` helper that the isolate lacks, so the bootstrap supplies a harmless one.
//
// A body script calls __bjs_define once per realm; then each execution is one call of
// \`exec(globals, bodyId)\`: begin, body, end and the realm's restore in a single round trip
// to the isolate's thread. \`finish\` collects and restores after a body that was cut off.
const bootstrap = `
(function (global) {
  const __name = (target) => target;
  const { stringify, parse } = JSON;
  const host = global.__host;
  delete global.__host;
  const limits = global.__limits;
  delete global.__limits;
  const surface = (${installBjsSurface.toString()})(
    global, (name, args) => host.applySyncPromise(undefined, [name, args]), limits, ${keyboardRows.toString()});
  const describe = (e) => e instanceof Error
    ? { name: e.name, message: String(e.message), stack: String(e.stack || "") }
    : { name: "Error", message: typeof e === "string" ? e : (() => { try { return stringify(e); } catch { return String(e); } })() };
  const bodies = [];
  Object.defineProperty(global, "__bjs_define", { value: (body) => bodies.push(body) - 1 });
  const guard = (${installRealmGuard.toString()})(global);
  const finish = (error) => stringify({ actions: surface.end(), error, clean: guard.restore() });
  global.__bjs_control = {
    exec(globals, id) {
      surface.begin(parse(globals));
      try {
        bodies[id].call(undefined);
        return finish(null);
      } catch (e) {
        return finish(describe(e));
      }
    },
    finish: () => finish(null),
  };
})(globalThis);
`;

/** What the isolate answers for one execution. */
interface Finished {
  actions: unknown[];
  error: RawOutcome["error"] | null;
  clean: boolean;
}

/** One bot's realm inside an isolate, kept warm between executions. */
class BotRealm {
  private reads: HostReads = async () => "null";
  /** The body id of each compiled script defined in this realm. */
  private readonly bodyIds = new Map<ivm.Script, number>();

  private constructor(
    readonly context: ivm.Context,
    private readonly exec: ivm.Reference<(globals: string, id: number) => string>,
    private readonly finish: ivm.Reference<() => string>,
    /** Handles that keep the realm alive from the host side; released with it. */
    private readonly handles: { release(): void }[],
  ) {}

  static async create(isolate: ivm.Isolate, limits: ExecutionLimits): Promise<BotRealm> {
    const context = await isolate.createContext();
    let realm: BotRealm | undefined;
    const host = new ivm.Reference(async (name: string, args: string) => realm!.reads(name, args));
    await context.global.set("__host", host);
    await context.global.set("__limits", new ivm.ExternalCopy(limits).copyInto());
    await context.eval(bootstrap, { timeout: 2000 });
    const control = (await context.global.get("__bjs_control", { reference: true })) as ivm.Reference<any>;
    const [exec, finish] = (await Promise.all(["exec", "finish"].map((key) => control.get(key, { reference: true })))) as ivm.Reference<any>[];
    await context.global.delete("__bjs_control");
    realm = new BotRealm(context, exec!, finish!, [exec!, finish!, control, host]);
    return realm;
  }

  /** Runs one compiled body with its globals; answers its actions and error. False `reusable`: discard the realm. */
  async run(script: ivm.Script, globals: unknown, reads: HostReads, timeoutMs: number): Promise<RawOutcome & { reusable: boolean }> {
    this.reads = reads;
    try {
      let id = this.bodyIds.get(script);
      if (id === undefined) {
        id = (await script.run(this.context, { timeout: 1000 })) as number;
        this.bodyIds.set(script, id);
      }
      const done: Finished = JSON.parse(await this.exec.apply(undefined, [JSON.stringify(globals), id], { timeout: timeoutMs }));
      return { actions: done.actions, error: done.error ?? undefined, reusable: done.clean };
    } catch (e) {
      // Cut off (timeout) or killed (memory): collect what was queued and restore, when the isolate lives.
      const error = { name: (e as Error).name, message: (e as Error).message };
      if (error.message.includes("disposed")) return { actions: [], error, reusable: false };
      try {
        const done: Finished = JSON.parse(await this.finish.apply(undefined, [], { timeout: 1000 }));
        return { actions: done.actions, error, reusable: done.clean };
      } catch {
        return { actions: [], error, reusable: false };
      }
    } finally {
      this.reads = async () => "null";
    }
  }

  release(): void {
    for (const handle of this.handles) handle.release();
    this.context.release();
  }
}

/**
 * One V8 isolate (its own thread and heap): the bots' realms in it, a bounded number kept
 * warm, and a cache of compiled bodies. A memory-limit kill disposes the isolate; the host
 * makes a new one on the next run.
 */
export class IsolateHost {
  private isolate!: ivm.Isolate;
  private realms = new Map<number, BotRealm>();
  private scripts = new Map<string, ivm.Script>();
  /** Isolates made after the first: each one cost every warm realm. */
  renewals = -1;

  constructor(
    private readonly options: { memoryMb: number; maxRealms: number; maxScripts: number; limits: ExecutionLimits },
  ) {
    this.renew();
  }

  private renew(): void {
    this.renewals++;
    this.isolate = new ivm.Isolate({ memoryLimit: this.options.memoryMb });
    this.realms = new Map();
    this.scripts = new Map();
  }

  /** True when the bot's realm is warm here. */
  has(botId: number): boolean {
    return this.realms.has(botId);
  }

  private async realmFor(botId: number): Promise<BotRealm> {
    const warm = this.realms.get(botId);
    if (warm) return warm;
    const realm = await BotRealm.create(this.isolate, this.options.limits);
    if (this.realms.size >= this.options.maxRealms) this.evictOne();
    this.realms.set(botId, realm);
    return realm;
  }

  /**
   * Drops a realm chosen at random. Least-recently-used would drop every realm just before
   * its next use when more bots than realms take turns (bench/runtime.ts --bots 400: 189
   * updates/s); at random, about warm/active of the runs still find their realm.
   */
  private evictOne(): void {
    let skip = Math.floor(Math.random() * this.realms.size);
    for (const [botId, realm] of this.realms) {
      if (skip-- > 0) continue;
      this.realms.delete(botId);
      realm.release();
      return;
    }
  }

  /** Compiles a body once per isolate; a syntax error throws with the `bjs:LINE` position. */
  private async compile(code: string): Promise<ivm.Script> {
    const cached = this.scripts.get(code);
    if (cached) return cached;
    const script = await this.isolate.compileScript(code, { filename: BODY_FILE });
    this.scripts.set(code, script);
    if (this.scripts.size > this.options.maxScripts) {
      const oldest = this.scripts.keys().next().value!;
      this.scripts.get(oldest)!.release();
      this.scripts.delete(oldest);
    }
    return script;
  }

  async run(botId: number, code: string, globals: unknown, reads: HostReads, timeoutMs: number, retried = false): Promise<RawOutcome> {
    if (this.isolate.isDisposed) this.renew();
    let script: ivm.Script;
    try {
      script = await this.compile(code);
    } catch (e) {
      const error = e as Error;
      if (this.isolate.isDisposed) this.renew();
      return { actions: [], error: { name: error.name, message: error.message, stack: error.stack } };
    }
    let realm: BotRealm;
    try {
      realm = await this.realmFor(botId);
    } catch (error) {
      // Building a realm can meet the memory limit the other realms filled: once more, afresh.
      if (!this.isolate.isDisposed || retried) throw error;
      this.renew();
      return this.run(botId, code, globals, reads, timeoutMs, true);
    }
    const outcome = await realm.run(script, globals, reads, timeoutMs);
    if (this.isolate.isDisposed) {
      // Other bots' realms shared the heap: the body may not be what filled it. Nothing was
      // applied yet, so it runs once more alone in a fresh isolate, where a real memory bomb
      // is stopped again and reported.
      const shared = this.realms.size > 1;
      this.renew();
      if (shared && !retried) return this.run(botId, code, globals, reads, timeoutMs, true);
    } else if (!outcome.reusable) {
      this.realms.delete(botId);
      realm.release();
    }
    return { actions: outcome.actions, error: outcome.error };
  }

  dispose(): void {
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}
