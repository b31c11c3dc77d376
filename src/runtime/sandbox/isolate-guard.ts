import { setFlagsFromString } from "node:v8";
import ivm from "isolated-vm";
import { installIsolateGuard, shapeTools } from "./realm-guard.js";

/**
 * V8's protectors: switches kept once per isolate, not per realm, that let array code take its
 * fast paths while no realm has changed what they depend on. A realm that changes such a thing
 * (an element on Array.prototype, even deleted at once; an array's own `constructor`; an
 * iterator's `next`) turns one off for every realm of the isolate for good, and other owners'
 * bots then run 3-25 times slower. The guard cannot undo that: it tells the host, which starts
 * the isolate afresh. Read through V8's test intrinsics, in a function compiled (and called
 * once, which compiles its body) while they are allowed, and refused again at once; no other
 * code is compiled meanwhile (the sandbox process runs one thing at a time).
 */
const PROTECTORS = ["ArraySpecies", "ArrayIterator", "MapIterator", "SetIterator", "StringIterator", "IsConcatSpreadable", "TypedArraySpecies", "RegExpSpecies", "PromiseSpecies"].map((name) => `%${name}Protector()`).join(" && ");
/**
 * The no-elements protector has no intrinsic: it shows in time. With it off, `slice` and spread
 * of a packed array check the prototypes for elements and cost five to ten times as much.
 */
const CANARY = `(function canary() { return ${PROTECTORS} && list.slice(0, 100).length + [...list].length === 300 })`;
/** How much slower than usual the canary may run before the no-elements protector counts as off. */
const SLOWDOWN = 3;
/** The time what a run stopped by its limit left queued may take before it is dropped (see `settle`). */
const SETTLE_MS = 1;
/** The pause (ms) before each round of canary tries, and the tries in a round (see `canaryLooksIntact`). */
const CANARY_ROUNDS_MS = [0, 1, 4];
const TRIES_PER_ROUND = 4;

/**
 * Whether the protectors still look on, from canary times (ns): a slow canary is timed again,
 * four times in a row, then after a pause, then after a longer one. Only a protector that is
 * off keeps it slow every time. A busy machine slows it too, for a moment: on a loaded two-core
 * virtual machine, six of seven tries within a tenth of a millisecond ran 3-7 times slower
 * than usual with every protector on, and four tries in a row made the isolate afresh for
 * nothing (every warm realm lost, an innocent bot sent apart).
 */
export function canaryLooksIntact(time: () => number, isUsual: (ns: number) => boolean, pause: (ms: number) => void): boolean {
  for (const pauseMs of CANARY_ROUNDS_MS) {
    if (pauseMs > 0) pause(pauseMs);
    for (let tries = 0; tries < TRIES_PER_ROUND; tries++) {
      const ns = time();
      // Infinity: a protector read as off through its intrinsic, which needs no second look.
      if (ns === Infinity) return false;
      if (isUsual(ns)) return true;
    }
  }
  return false;
}

/** The names of the global object and its prototypes. */
const GLOBAL_NAMES = "(() => { const names = []; for (let at = globalThis; at !== null; at = Object.getPrototypeOf(at)) names.push(...Object.getOwnPropertyNames(at)); return names; })()";

/** Sleeps this thread (a sandbox process has nothing else to do meanwhile). */
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * The isolate's half of the realm guard (realm-guard.ts), driven from the host: a context of
 * its own in the isolate, which no BJS reaches, holding the shapes of every realm's built-ins.
 * One copy of the guard's code serves every realm, so V8 warms and optimizes it once. It also
 * tells whether the isolate's protectors are still on (see PROTECTORS).
 */
export class IsolateGuard {
  private nextRealm = 1;
  private canary!: ivm.Reference<() => boolean>;
  private readonly settler: ivm.Reference<() => void>;
  /** The canary's usual time, in ns: twice its fastest at the start, at most four times. */
  private usualNs: number;
  private readonly mostUsualNs: number;

  private constructor(
    private readonly context: ivm.Context,
    /**
     * Every name a realm's global object answers, its prototypes' included (inert-body.ts): read
     * in this context, a copy of the same snapshot as every bot's realm, before the canary's
     * own globals are made here.
     */
    readonly globalNames: readonly string[],
    private readonly recordRealm: ivm.Reference<(realm: number, objects: object[]) => void>,
    private readonly restoreRealm: ivm.Reference<(realm: number, thorough: boolean) => boolean>,
    private readonly forgetRealm: ivm.Reference<(realm: number) => void>,
  ) {
    context.evalSync("var list = []; for (var i = 0; i < 200; i++) list.push(i);");
    this.settler = context.evalSync("(function settle() {})", { reference: true }) as ivm.Reference<() => void>;
    this.compileCanary();
    let fastest = Infinity;
    for (let i = 0; i < 25; i++) fastest = Math.min(fastest, this.canaryTime());
    this.usualNs = fastest * 2;
    this.mostUsualNs = fastest * 4;
  }

  static create(isolate: ivm.Isolate): IsolateGuard {
    // A copy of the isolate's startup snapshot like any context: it holds a realm no bot ever
    // uses, and the guard calls the watched definers there (realm-guard.ts), which pass through.
    const context = isolate.createContextSync();
    // The `__name` helper: see isolate-host.ts.
    const guard = context.evalClosureSync(`"use strict"; const __name = (target) => target; return (${installIsolateGuard.toString()})((${shapeTools.toString()})());`, [], {
      result: { reference: true },
      filename: "isolate-guard",
    }) as ivm.Reference<any>;
    const method = (name: string) => guard.getSync(name, { reference: true }) as ivm.Reference<any>;
    const globalNames = context.evalSync(GLOBAL_NAMES, { copy: true }) as string[];
    return new IsolateGuard(context, globalNames, method("record"), method("restore"), method("forget"));
  }

  /** Records a new realm's guarded objects (what its `connect` answered); answers the realm's number here. */
  record(objects: ivm.Reference<object[]>): number {
    const realm = this.nextRealm++;
    this.recordRealm.applySync(undefined, [realm, objects.derefInto()]);
    return realm;
  }

  /** Puts a realm's built-ins back after a run; false when they cannot be (the realm is then dropped). */
  restore(realm: number, thorough: boolean): boolean {
    return this.restoreRealm.applySync(undefined, [realm, thorough]) === true;
  }

  /** Lets go of a released realm's objects. */
  forget(realm: number): void {
    this.forgetRealm.applySync(undefined, [realm]);
  }

  /**
   * Ends what a run stopped by its time limit left queued (an async function's continuation):
   * V8 runs queued microtasks at the end of the next call into the isolate, whichever realm it
   * is for, and the calls after a run (its output, the restore) have no time limit. Here they
   * run under a timer of their own, and once it stops them V8 drops what is left.
   */
  settle(): void {
    try {
      this.settler.applySync(undefined, [], { timeout: SETTLE_MS });
    } catch {
      // Stopped: nothing is left queued.
    }
  }

  /**
   * Whether every protector is still on (see `canaryLooksIntact`). What is usual follows the
   * canary's times while the protectors are on (after a run, caches are colder than at the
   * start), within a bound: runs that leave the caches cold on purpose cannot raise it until a
   * protector turned off would pass for usual.
   */
  protectorsIntact(): boolean {
    return canaryLooksIntact(
      () => this.canaryTime(),
      (canary) => {
        if (canary > this.usualNs * SLOWDOWN) return false;
        this.usualNs = Math.min(this.mostUsualNs, this.usualNs + (canary - this.usualNs) / 16);
        return true;
      },
      sleep,
    );
  }

  /** Nanoseconds the canary took, or Infinity when a protector is off. */
  private canaryTime(): number {
    const started = process.hrtime.bigint();
    let intact: unknown;
    try {
      intact = this.canary.applySync(undefined, []);
    } catch {
      // V8 may drop the canary's compiled body and compile it again, now without its intrinsics.
      this.compileCanary();
      intact = this.canary.applySync(undefined, []);
    }
    return intact === true ? Number(process.hrtime.bigint() - started) : Infinity;
  }

  private compileCanary(): void {
    setFlagsFromString("--allow-natives-syntax");
    try {
      this.canary = this.context.evalSync(CANARY, { reference: true, filename: "protectors" }) as ivm.Reference<() => boolean>;
      this.canary.applySync(undefined, []);
    } finally {
      setFlagsFromString("--no-allow-natives-syntax");
    }
  }
}
