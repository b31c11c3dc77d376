import ivm from "isolated-vm";
import { installIsolateGuard, shapeTools } from "./realm-guard.js";

/**
 * The isolate's half of the realm guard (realm-guard.ts), driven from the host: a context of
 * its own in the isolate, which no BJS reaches, holding the shapes of every realm's built-ins.
 * One copy of the guard's code serves every realm, so V8 warms and optimizes it once.
 */
export class IsolateGuard {
  private nextRealm = 1;

  private constructor(
    private readonly recordRealm: ivm.Reference<(realm: number, objects: object[]) => void>,
    private readonly restoreRealm: ivm.Reference<(realm: number, thorough: boolean) => boolean>,
    private readonly forgetRealm: ivm.Reference<(realm: number) => void>,
  ) {}

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
    return new IsolateGuard(method("record"), method("restore"), method("forget"));
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
}
