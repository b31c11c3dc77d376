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

  // What an execution could change that the next one would see: the global object, every
  // global value (constructors, namespaces such as Math, JSON, Bot, Api), and the prototypes
  // of constructors with their parents. Members of member functions are not walked: changing
  // them leaks at most into the same bot's next execution (each bot has its own realm).
  // A frozen object cannot change, so it is not watched (the BJS surface is frozen).
  const guarded = new Set<object>();
  const add = (value: unknown) => {
    if ((typeof value === "object" || typeof value === "function") && value !== null && !Object.isFrozen(value)) guarded.add(value);
  };
  add(global);
  for (const key of Reflect.ownKeys(global)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(global, key)!;
    if (!("value" in descriptor)) continue;
    const value = descriptor.value;
    add(value);
    if (typeof value === "function" && value.prototype) {
      add(value.prototype);
      add(Object.getPrototypeOf(value.prototype));
      add(Object.getPrototypeOf(value));
    }
  }

  // Per object: its data properties compared by value (a read, no allocation), its accessors
  // by identity, its key count for additions, and whether it was extensible.
  interface Shape {
    object: any;
    descriptors: Map<PropertyKey, PropertyDescriptor>;
    data: [PropertyKey, unknown][];
    accessors: [PropertyKey, PropertyDescriptor][];
    keyCount: number;
    extensible: boolean;
    proto: object | null;
  }
  const shapes: Shape[] = [...guarded].map((object) => {
    const descriptors = new Map<PropertyKey, PropertyDescriptor>();
    const data: [PropertyKey, unknown][] = [];
    const accessors: [PropertyKey, PropertyDescriptor][] = [];
    for (const key of Reflect.ownKeys(object)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(object, key)!;
      descriptors.set(key, descriptor);
      if ("value" in descriptor) data.push([key, descriptor.value]);
      else accessors.push([key, descriptor]);
    }
    return { object, descriptors, data, accessors, keyCount: descriptors.size, extensible: Object.isExtensible(object), proto: Object.getPrototypeOf(object) };
  });

  const unchanged = (shape: Shape) => {
    const { object } = shape;
    if (Reflect.ownKeys(object).length !== shape.keyCount || Object.isExtensible(object) !== shape.extensible) return false;
    if (Object.getPrototypeOf(object) !== shape.proto) return false;
    for (const [key, value] of shape.data) if (object[key] !== value) return false;
    for (const [key, descriptor] of shape.accessors) {
      const now = Reflect.getOwnPropertyDescriptor(object, key);
      if (!now || now.get !== descriptor.get || now.set !== descriptor.set) return false;
    }
    return true;
  };

  const same = (a: PropertyDescriptor, b: PropertyDescriptor) =>
    a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;

  /** Puts one object back as it was, touching only what differs; false when that is impossible. */
  const rebuild = (shape: Shape) => {
    const { object, descriptors } = shape;
    let clean = Object.isExtensible(object) === shape.extensible;
    if (Object.getPrototypeOf(object) !== shape.proto && !Reflect.setPrototypeOf(object, shape.proto)) clean = false;
    for (const key of Reflect.ownKeys(object)) {
      if (!descriptors.has(key) && !Reflect.deleteProperty(object, key)) clean = false;
    }
    for (const [key, descriptor] of descriptors) {
      const now = Reflect.getOwnPropertyDescriptor(object, key);
      if (!(now && same(now, descriptor)) && !Reflect.defineProperty(object, key, descriptor)) clean = false;
    }
    return clean;
  };

  return {
    restore(): boolean {
      let clean = true;
      for (const shape of shapes) if (!unchanged(shape) && !rebuild(shape)) clean = false;
      return clean;
    },
  };
}
