import ivm from "isolated-vm";
import { installBjsSurface } from "../bjs/surface.js";
import { installCompatSurface } from "../bjs/compat-surface.js";
import type { LibSource } from "../../catalog/lib-sources.js";
import { surfaceConfig } from "../bjs/surface-config.js";
import { reachOf, type Reach } from "./inert-body.js";
import { keyboardRows } from "../keyboard-layout.js";
import { FUNCTION_HEADER, BODY_FILE } from "./body.js";
import { installRealmGuard, shapeTools } from "./realm-guard.js";
import { IsolateGuard } from "./isolate-guard.js";
import { MAX_READ_CHARS_PER_RUN, READS_TOO_LARGE, type WarmChanges } from "./protocol.js";
import { realmBootstrap, type RealmLib } from "./realm-bootstrap.js";

/** Caps on one execution. */
export interface ExecutionLimits {
  maxActions: number;
  maxActionBytes: number;
  /** Host reads (property reads) one execution may make; the realm refuses the rest itself. */
  maxReads: number;
}

/** Answers the synchronous reads BJS makes (property reads), with JSON in and out. */
export type HostReads = (name: string, argsJson: string) => Promise<string>;

/** How a run was cut off, by the host's own account (never by what the isolate says). */
export type Stop = "timeout" | "memory" | "crash";

/**
 * What one body run produced, for the executor to check: the isolate's output (untrusted JSON,
 * see realm-bootstrap.ts), how the run was cut off, and for a body that does not parse, the
 * compiler's message with its `[bjs:LINE:COL]` position.
 */
export interface RawOutcome {
  output: string | null;
  stop?: Stop;
  syntax?: string;
  /** The isolate was killed while other bots' realms shared its heap: the run may be tried again alone. */
  shared?: boolean;
  /** A promise BJS left rejected (an async function that failed), which the isolate reports after the call. */
  rejected?: string;
  /** The output was past the cap, and was left in the sandbox process. */
  oversized?: boolean;
}

/** Bounds on what an error may carry out of the isolate. */
export const ERROR_LIMITS = { message: 2000, frames: 30, frameText: 120 };

/** Room beyond the actions' cap for the error and handler names an output carries (bounded text, JSON-escaped). */
const ERROR_ALLOWANCE_BYTES = 64 * 1024;
/** The most an execution's output may hold, in UTF-8 bytes. */
export const outputCap = (limits: ExecutionLimits) => limits.maxActionBytes + ERROR_ALLOWANCE_BYTES;

/**
 * The longest read a realm may ask for, its name and JSON arguments together (a property read
 * takes a few hundred characters, a web app link a few thousand). Checked in the sandbox
 * process: every character that crosses the IPC channel is paid for by the platform's event loop.
 */
export const MAX_READ_CHARS = 64 * 1024;

/** What an execution runs besides its body: its libraries, and a library handler to call instead of the body. */
export interface ExecutionCode {
  code: string;
  libs: readonly LibSource[];
  /** A name a library registered with `on`: it runs instead of the body; "" loads the libraries only. */
  handler: string | null;
}

/** Bodies one realm keeps compiled; past this the realm is rebuilt rather than grow. */
const MAX_BODIES_PER_REALM = 500;

/**
 * The longest a run goes on this process's own thread. The thread hops it saves are worth a
 * fraction of a millisecond, so only a short run gains; a longer one goes again (off-thread
 * after two such tries in a row, or at once if it missed a read), and the tries thrown away
 * cost a run at most twice this of its time, however long its body works before its first read.
 */
const SYNC_SLICE_MS = 10;

// The injected functions are compiled code: some compilers (esbuild's keepNames, as under tsx)
// wrap them in a `__name` helper that the isolate lacks, so the bootstrap supplies a harmless one.
/** The realm as it is before any bot uses it: run once, into the startup snapshot of every isolate of a process. */
const bootstrapOf = (limits: ExecutionLimits) => `
(function (global) {
  // Strict, so that BJS's \`fn.caller\` (from its body, a callback or a library) never reaches a platform function such as \`exec\`.
  "use strict";
  const __name = (target) => target;
  global.__bjs_control = (${realmBootstrap.toString()})(global, {
    config: ${JSON.stringify(surfaceConfig(limits))},
    limits: ${JSON.stringify(ERROR_LIMITS)},
    installSurface: ${installBjsSurface.toString()},
    installGuard: ${installRealmGuard.toString()},
    shapeTools: ${shapeTools.toString()},
    keyboardRows: ${keyboardRows.toString()},
    installCompat: ${installCompatSurface.toString()},
  });
})(globalThis);
`;

/**
 * Takes the control out of a fresh realm's global object and connects it to the host's reads
 * and library sources; answers it with the objects the isolate's guard is to watch.
 */
const CONNECT = "const control = globalThis.__bjs_control; delete globalThis.__bjs_control; const guarded = control.connect($0, $1); return { control, guarded };";

/** Bots' bodies remembered for how they run (off the thread, or slow once); past this many, the memory starts over. */
const MAX_REMEMBERED_RUNS = 10_000;

/** Adds a bot's body to a bounded set. */
function remember<T>(set: Set<T>, item: T): void {
  if (set.size >= MAX_REMEMBERED_RUNS) set.clear();
  set.add(item);
}

/** V8's message when the isolate's memory cannot hold a new ArrayBuffer (a RangeError BJS can catch, not a stop). */
const BUFFER_ALLOCATION_FAILED = "Array buffer allocation failed";

/** Whether an output's error is a failed ArrayBuffer allocation: parsed only when its text appears at all. */
function failedBufferAllocation(output: string | null): boolean {
  if (output === null || !output.includes(BUFFER_ALLOCATION_FAILED)) return false;
  try {
    const error = (JSON.parse(output) as { error?: { name?: unknown; message?: unknown } | null }).error;
    return error?.name === "RangeError" && error.message === BUFFER_ALLOCATION_FAILED;
  } catch {
    return false;
  }
}

const idleReads: HostReads = async () => {
  throw new Error("The command has ended: BJS cannot read after its body");
};

/** The realm's `exec` (realm-bootstrap.ts): answers whether the body failed to compile. */
type RealmExec = (globals: Record<string, unknown>, key: number, code: string | null, listKey: number, libs: RealmLib[] | null, handler: string | null, sync: boolean, limitMs: number) => boolean;

/**
 * An execution's list of libraries as an isolate knows it: a key the realms keep the list
 * under (sent to a realm once, not copied in with every run), each library's key, and the lazy
 * ones' sources by key, for a realm to ask for when BJS first reaches one.
 */
interface LibList {
  key: number;
  libKeys: number[];
  lazySources: ReadonlyMap<number, string>;
}

const NO_SOURCES: ReadonlyMap<number, string> = new Map();

/** One bot's realm inside an isolate, kept warm between executions. */
class BotRealm {
  private reads: HostReads = idleReads;
  /** What the running execution's reads have carried so far. */
  private readChars = 0;
  /** The running execution's lazy libraries' sources by key, for the realm to ask for when BJS reaches one. */
  private lazySources = NO_SOURCES;
  /** Body, library and library list keys this realm holds. */
  private readonly defined = new Set<number>();
  /**
   * Every run so far was inert and left the built-ins uncompared. Once one was not, it may have
   * left a function or a built-in where a later inert body reaches it (on a member function such
   * as Math.max, which neither half of the guard watches): from then on every run is compared.
   */
  private onlyInertRuns = true;

  private constructor(
    readonly context: ivm.Context,
    private readonly exec: ivm.Reference<RealmExec>,
    private readonly finish: ivm.Reference<(globalsUntouched: boolean) => string>,
    /** Handles that keep the realm alive from the host side; released with it. */
    private readonly handles: { release(): void }[],
    private readonly guard: IsolateGuard,
    /** The realm's number in the isolate's guard. */
    private readonly guarded: number,
  ) {}

  /**
   * A new realm: a copy of the snapshot's (its own objects, nothing shared with other realms),
   * connected to this realm's reads. Synchronous: cheap, and the process has nothing else to do.
   */
  static create(isolate: ivm.Isolate, guard: IsolateGuard): BotRealm {
    const context = isolate.createContextSync();
    let realm: BotRealm | undefined;
    const host = new ivm.Reference(async (name: string, args: string) => {
      if (typeof name !== "string" || typeof args !== "string" || name.length + args.length > MAX_READ_CHARS) throw new Error(`A read may carry at most ${MAX_READ_CHARS} characters`);
      realm!.readChars += name.length + args.length;
      if (realm!.readChars > MAX_READ_CHARS_PER_RUN) throw new Error(READS_TOO_LARGE);
      return realm!.reads(name, args);
    });
    const libSource = new ivm.Reference((key: number) => realm!.lazySources.get(key) ?? null);
    const handles: { release(): void }[] = [host, libSource];
    const reference = (from: ivm.Reference<any>, name: string) => {
      const handle = from.getSync(name, { reference: true }) as ivm.Reference<any>;
      handles.push(handle);
      return handle;
    };
    try {
      const connected = context.evalClosureSync(CONNECT, [host, libSource], { result: { reference: true } }) as ivm.Reference<any>;
      handles.push(connected);
      const control = reference(connected, "control");
      const exec = reference(control, "exec");
      const finish = reference(control, "finish");
      // Last, so that nothing after it can fail with the realm recorded in the guard.
      const number = guard.record(reference(connected, "guarded"));
      realm = new BotRealm(context, exec, finish, handles, guard, number);
      return realm;
    } catch (error) {
      for (const handle of handles) handle.release();
      context.release();
      throw error;
    }
  }

  /**
   * Runs one body with its globals. `exec` runs the body (the isolate then runs the microtasks
   * it left), `finish` collects the output and restores the realm. Answers the outcome, whether
   * the body failed to compile, whether the realm can be kept, and, for a `sync` run (on this
   * thread, where no read can be answered), whether it missed a read and must run again.
   * `reach`: what the run may change of the realm (inert-body.ts; library code may change anything).
   */
  async run(
    key: number,
    run: ExecutionCode,
    list: LibList,
    globals: Record<string, unknown>,
    reads: HostReads,
    timeoutMs: number,
    sync: boolean,
    reach: Reach,
  ): Promise<{ outcome: RawOutcome; compileFailed: boolean; reusable: boolean; missed: boolean }> {
    this.reads = reads;
    this.readChars = 0;
    let stop: Stop | undefined;
    let rejected: string | undefined;
    let compileFailed = false;
    // Sources go only to a realm that has not compiled them yet; a lazy one's only if BJS reaches it.
    this.lazySources = list.lazySources;
    const { libKeys } = list;
    const libs = this.defined.has(list.key)
      ? null
      : run.libs.map((lib, i): RealmLib => ({ name: lib.name, key: libKeys[i]!, code: lib.lazy || this.defined.has(libKeys[i]!) ? null : lib.code, lazy: !!lib.lazy }));
    try {
      // Copied in as structured clones, not as JSON text: isolated-vm brings a string of 1 KB or
      // more in as an external string and then measures the heap, which walks every context in
      // the isolate (with 500 warm realms, a fifth to a quarter of a run).
      const args: Parameters<RealmExec> = [globals, key, this.defined.has(key) ? null : run.code, list.key, libs, run.handler, sync, timeoutMs];
      const options = { timeout: timeoutMs, arguments: { copy: true } } as const;
      compileFailed = sync ? this.exec.applySync(undefined, args, options) : await this.exec.apply(undefined, args, options);
      if (libs) {
        // A lazy library may not have been compiled: its source still goes when it runs installed.
        run.libs.forEach((lib, i) => lib.lazy || this.defined.add(libKeys[i]!));
        this.defined.add(list.key);
      }
      if (!compileFailed && run.handler === null) this.defined.add(key);
    } catch (e) {
      const message = String((e as Error)?.message);
      if (message.includes("disposed")) return { outcome: { output: null, stop: "memory" }, compileFailed, reusable: false, missed: false };
      if (/^Script execution timed out/.test(message)) stop = "timeout";
      else rejected = message.slice(0, ERROR_LIMITS.message);
    } finally {
      this.reads = idleReads;
      this.lazySources = NO_SOURCES;
    }
    if (stop === "timeout") this.guard.settle();
    try {
      // Synchronous (this process has nothing else to do meanwhile: one thread hop fewer) and with
      // no time limit: the guard's work is bounded (realm-guard.ts gives up on an object with too
      // many new properties, and the realm is dropped), the watchdog still ends a process that
      // hangs, and an isolated-vm timer costs every run a context switch or two.
      const inert = reach !== "anything" && this.onlyInertRuns;
      const output = this.finish.applySync(undefined, [inert && reach === "nothing"]);
      // The output leads with the realm guard's verdict ("-" the realm is not clean, "!" the
      // isolate's guard must compare every property, "+" not), then "~" for a missed read.
      const missed = sync && output[1] === "~";
      // A realm past its bodies is dropped anyway: the isolate's guard need not restore it, nor
      // compare what an inert run cannot reach, unless one of the watched functions ran ("!").
      const untouched = inert && output[0] === "+";
      if (!untouched) this.onlyInertRuns = false;
      const reusable = output[0] !== "-" && this.defined.size < MAX_BODIES_PER_REALM && (untouched || this.guard.restore(this.guarded, output[0] === "!"));
      return { outcome: { output: output.slice(missed ? 2 : 1), stop, rejected }, compileFailed, reusable, missed };
    } catch {
      return { outcome: { output: null, stop }, compileFailed, reusable: false, missed: false };
    }
  }

  release(): void {
    this.guard.forget(this.guarded);
    for (const handle of this.handles) handle.release();
    this.context.release();
  }
}

/**
 * One V8 isolate (its own thread and heap): the bots' realms in it, kept warm while they fit
 * in `warmMb` of its heap (a realm takes about 0.35 MB, garbage between collections included).
 * It runs inside a sandbox process (child.ts), so that what no isolate limit catches (a single
 * allocation past the heap's hard limit aborts the process) ends only that process.
 * A memory-limit kill disposes the isolate; the host makes a new one on the next run.
 */
export class IsolateHost {
  private isolate!: ivm.Isolate;
  private guard!: IsolateGuard;
  /** The prepared realm every isolate of this process starts from. */
  private readonly snapshot: ivm.ExternalCopy<ArrayBuffer>;
  private realms = new Map<number, BotRealm>();
  /** A key per body source, so a realm compiles each body once (keys are never reused), and what the body may change of a realm (inert-body.ts). */
  private readonly bodies = new Map<string, { key: number; reach: Reach }>();
  /** Every name a realm's global object answers, for telling inert bodies. */
  private readonly globalNames: ReadonlySet<string>;
  private readonly libKeys = new Map<string, Map<string, number>>();
  /** Lists of libraries by their libraries' keys. */
  private readonly libLists = new Map<string, LibList>();
  private nextKey = 1;
  /**
   * A bot's bodies (`bot:key`) that read from the host, or outran the slice on two tries in a
   * row: they run off this thread, where reads are answered, from the start. Per bot, so that
   * what one bot's runs do (the same text runs differently with other data, and every library
   * handler has the same empty body) sends no other bot's runs off the thread.
   */
  private readonly offThread = new Set<string>();
  /**
   * A bot's bodies whose last try on this thread outran the slice. Once is not enough to send a
   * body off-thread: a try can meet a collection of the whole heap (12-22 ms with a few hundred
   * realms), and the body would then pay the thread hops for good.
   */
  private readonly outran = new Set<string>();
  /**
   * Bots whose run turned off one of V8's protectors (isolate-guard.ts), which slows every realm
   * of the isolate: the isolate was made afresh, and their runs go on in an isolate of their own
   * (`quarantine`), where they slow no one else's.
   */
  private readonly unruly = new Set<number>();
  private quarantine?: IsolateHost;
  /** Isolates made after the first: each one cost every warm realm. */
  renewals = -1;
  /** Runs that went off this thread (each paid isolated-vm's thread hops). */
  offThreadRuns = 0;
  /** What changed in the warm set since `takeChanges` last ran. */
  private renewed = false;
  private dropped: number[] = [];

  constructor(
    private readonly options: { memoryMb: number; warmMb: number; maxScripts: number; limits: ExecutionLimits },
    /** For the quarantine of another host: its snapshot, and no quarantine of its own. */
    private readonly within?: { snapshot: ivm.ExternalCopy<ArrayBuffer> },
  ) {
    this.snapshot = within?.snapshot ?? ivm.Isolate.createSnapshot([{ code: bootstrapOf(options.limits), filename: "realm-bootstrap" }]);
    this.renew();
    this.globalNames = new Set(this.guard.globalNames);
  }

  private renew(): void {
    this.renewals++;
    this.renewed = true;
    this.dropped = [];
    this.isolate = new ivm.Isolate({ memoryLimit: this.options.memoryMb, snapshot: this.snapshot });
    this.guard = IsolateGuard.create(this.isolate);
    this.realms = new Map();
  }

  /** True when the bot's realm is warm here. */
  has(botId: number): boolean {
    return this.realms.has(botId);
  }

  /** How the warm set changed since the last call, the bot of the run that just ended included. */
  takeChanges(botId: number): WarmChanges {
    const changes = { renewed: this.renewed, dropped: this.dropped, warm: this.realms.has(botId) };
    this.renewed = false;
    this.dropped = [];
    return changes;
  }

  private async realmFor(botId: number): Promise<BotRealm> {
    const warm = this.realms.get(botId);
    if (warm) return warm;
    const realm = BotRealm.create(this.isolate, this.guard);
    // One in, one out once the heap holds what warm realms may fill. Measured rather than
    // counted: a realm's size depends on its bot. A dropped realm is freed at the next
    // collection, so until then the heap reads high and the count holds steady.
    if (this.realms.size > 0 && this.isolate.getHeapStatisticsSync().used_heap_size > this.options.warmMb * 1024 * 1024) this.evictOne();
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
      this.dropped.push(botId);
      realm.release();
      return;
    }
  }

  /**
   * A library's key covers its name too (its source is compiled under that name). Looked up by
   * the source text itself, which stays the same string from run to run (its hash is kept).
   */
  private libKeyOf(lib: LibSource): number {
    let byName = this.libKeys.get(lib.code);
    if (!byName) {
      byName = new Map();
      this.libKeys.set(lib.code, byName);
      if (this.libKeys.size > this.options.maxScripts) this.libKeys.delete(this.libKeys.keys().next().value!);
    }
    let key = byName.get(lib.name);
    if (key === undefined) byName.set(lib.name, (key = this.nextKey++));
    return key;
  }

  /** The list of libraries of an execution, known by its libraries' keys (its sources are held by them). */
  private libListOf(libs: readonly LibSource[]): LibList {
    const libKeys = libs.map((lib) => this.libKeyOf(lib));
    const signature = libKeys.join();
    let list = this.libLists.get(signature);
    if (!list) {
      list = { key: this.nextKey++, libKeys, lazySources: new Map(libs.flatMap((lib, i) => (lib.lazy ? [[libKeys[i]!, lib.code]] : []))) };
      this.libLists.set(signature, list);
      if (this.libLists.size > this.options.maxScripts) this.libLists.delete(this.libLists.keys().next().value!);
    }
    return list;
  }

  private bodyOf(code: string): { key: number; reach: Reach } {
    let body = this.bodies.get(code);
    if (body === undefined) {
      body = { key: this.nextKey++, reach: reachOf(code, this.globalNames) };
      this.bodies.set(code, body);
      if (this.bodies.size > this.options.maxScripts) this.bodies.delete(this.bodies.keys().next().value!);
    }
    return body;
  }

  /**
   * Where a body that the Function constructor refused fails to parse: the compiler's message
   * with the `[bjs:LINE:COL]` of the same layout. Compiling runs nothing.
   */
  private async syntaxOf(code: string): Promise<string | undefined> {
    try {
      const script = await this.isolate.compileScript(`${FUNCTION_HEADER}${code}\n})`, { filename: BODY_FILE });
      script.release();
      return undefined;
    } catch (error) {
      return String((error as Error).message).slice(0, ERROR_LIMITS.message);
    }
  }

  async run(botId: number, run: ExecutionCode, globals: Record<string, unknown>, reads: HostReads, timeoutMs: number, rebuilt = false): Promise<RawOutcome> {
    if (this.unruly.has(botId)) return this.quarantined().run(botId, run, globals, reads, timeoutMs);
    if (this.isolate.isDisposed) this.renew();
    let realm: BotRealm;
    try {
      realm = await this.realmFor(botId);
    } catch (error) {
      // Building a realm can meet the memory limit the other realms filled: once more, afresh.
      if (!this.isolate.isDisposed || rebuilt) throw error;
      this.renew();
      return this.run(botId, run, globals, reads, timeoutMs, true);
    }
    const list = this.libListOf(run.libs);
    const body = this.bodyOf(run.code);
    // On this thread first: no thread hops, half the cost of a short run (a read not answered
    // ahead cannot be served here; that run goes again, and its body runs off-thread after).
    const bodyOfBot = `${botId}:${body.key}`;
    const sync = !this.offThread.has(bodyOfBot);
    if (!sync) this.offThreadRuns++;
    const began = performance.now();
    const limitMs = sync ? Math.min(timeoutMs, SYNC_SLICE_MS) : timeoutMs;
    const reach = run.handler === null && run.libs.every((lib) => lib.lazy) ? body.reach : "anything";
    const { outcome, compileFailed, reusable, missed } = await realm.run(body.key, run, list, globals, reads, limitMs, sync, reach);
    if (this.isolate.isDisposed) {
      // When other bots' realms shared the heap, the body may not be what filled it: the
      // sandbox runs it once more, alone in the fresh isolate (see sandbox.ts).
      const shared = this.realms.size > 1;
      this.renew();
      return { output: null, stop: "memory", shared };
    }
    if (this.realms.size > 1 && failedBufferAllocation(outcome.output)) {
      // Another bot's realm may hold what filled the isolate (a buffer kept on a member of a
      // member function outlives its runs): the run goes again alone, as when the memory limit stopped it.
      this.isolate.dispose();
      this.renew();
      return { output: null, stop: "memory", shared: true };
    }
    if (!reusable) {
      this.realms.delete(botId);
      realm.release();
    }
    this.keepProtectors(botId);
    const outranSlice = outcome.stop === "timeout" && limitMs < timeoutMs;
    if (sync && !outranSlice) this.outran.delete(bodyOfBot);
    if (missed || outranSlice) {
      if (missed || this.outran.has(bodyOfBot)) remember(this.offThread, bodyOfBot);
      else remember(this.outran, bodyOfBot);
      // Nothing of the first try left the isolate: the run goes again within what is left of
      // its time (each try took at most the slice, so the body keeps nearly all of it).
      const left = Math.floor(timeoutMs - (performance.now() - began));
      return left < 1 ? { output: null, stop: "timeout" } : this.run(botId, run, globals, reads, left, rebuilt);
    }
    // Each UTF-8 byte is at least one character, so an output longer than the cap in characters
    // is refused by the platform anyway: it stays here rather than cross the IPC channel.
    if (outcome.output !== null && outcome.output.length > outputCap(this.options.limits)) return { ...outcome, output: null, oversized: true };
    return compileFailed ? { ...outcome, syntax: await this.syntaxOf(run.code) } : outcome;
  }

  /** Makes the isolate afresh if the bot's run turned a protector off, and sends the bot's runs to the quarantine. */
  private keepProtectors(botId: number): void {
    if (this.guard.protectorsIntact()) return;
    this.isolate.dispose();
    this.renew();
    if (!this.within) remember(this.unruly, botId);
  }

  /** Unruly bots' isolate: a small warm heap, and room for one run as here. */
  private quarantined(): IsolateHost {
    const warmMb = Math.max(1, Math.floor(this.options.warmMb / 8));
    this.quarantine ??= new IsolateHost({ ...this.options, warmMb, memoryMb: this.options.memoryMb - this.options.warmMb + warmMb }, { snapshot: this.snapshot });
    return this.quarantine;
  }

  dispose(): void {
    this.quarantine?.dispose();
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}
