/**
 * Runs inside the isolate (injected with Function.prototype.toString, so it may use nothing
 * but the isolate's own globals). Removes what BJS must not have, then records the realm's
 * shape so that `restore()` can undo whatever an execution changed: implicit globals, patched
 * prototypes, replaced surface functions. Answers false from `restore()` when a change cannot
 * be undone (a non-configurable property was added or an object was frozen): the caller then
 * throws the context away.
 */
export function installRealmGuard(global: any): { restore(): boolean } {
  const unavailable = (what: string) =>
    function () {
      throw new TypeError(`${what} is not available in BJS`);
    };
  for (const name of ["WebAssembly", "SharedArrayBuffer", "Atomics", "FinalizationRegistry", "WeakRef", "Promise", "queueMicrotask", "setTimeout", "setInterval"]) {
    delete global[name];
  }
  const blockedFunction = unavailable("The Function constructor");
  const functionKinds = [function () {}, function* () {}, async function () {}, async function* () {}];
  for (const fn of functionKinds) {
    Object.defineProperty(Object.getPrototypeOf(fn), "constructor", { value: blockedFunction, writable: false, configurable: false });
  }
  blockedFunction.prototype = Function.prototype;
  global.Function = blockedFunction;
  const blockedProxy = unavailable("Proxy");
  global.Proxy = blockedProxy;

  // Every object reachable from the global object in three steps: constructors, their
  // prototypes, namespaces (Math, JSON, Bot, ...) and their members.
  const guarded = new Map<object, Map<PropertyKey, PropertyDescriptor>>();
  const visit = (value: unknown, depth: number) => {
    if ((typeof value !== "object" && typeof value !== "function") || value === null || guarded.has(value)) return;
    const descriptors = new Map<PropertyKey, PropertyDescriptor>();
    guarded.set(value, descriptors);
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(value, key)!;
      descriptors.set(key, descriptor);
      if (depth < 3 && "value" in descriptor) visit(descriptor.value, depth + 1);
    }
    if (depth < 3) visit(Object.getPrototypeOf(value), depth + 1);
  };
  visit(global, 0);
  const extensible = new Map([...guarded.keys()].map((object) => [object, Object.isExtensible(object)]));
  const prototypes = new Map([...guarded.keys()].map((object) => [object, Object.getPrototypeOf(object)]));

  const same = (a: PropertyDescriptor, b: PropertyDescriptor) =>
    a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;

  return {
    restore(): boolean {
      let clean = true;
      for (const [object, descriptors] of guarded) {
        if (Object.isExtensible(object) !== extensible.get(object)) clean = false;
        if (Object.getPrototypeOf(object) !== prototypes.get(object) && !Reflect.setPrototypeOf(object, prototypes.get(object))) clean = false;
        for (const key of Reflect.ownKeys(object)) {
          if (!descriptors.has(key) && !Reflect.deleteProperty(object, key)) clean = false;
        }
        for (const [key, descriptor] of descriptors) {
          const now = Reflect.getOwnPropertyDescriptor(object, key);
          if (now && same(now, descriptor)) continue;
          if (!Reflect.defineProperty(object, key, descriptor)) clean = false;
        }
      }
      return clean;
    },
  };
}
