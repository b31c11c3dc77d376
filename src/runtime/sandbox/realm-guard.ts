/**
 * Runs inside the isolate (injected with Function.prototype.toString, so it may use nothing
 * but the isolate's own globals). Removes what BJS must not have, then records the realm's
 * shape so that `restore()` can undo whatever an execution changed: implicit globals, patched
 * prototypes, replaced surface functions. Answers false from `restore()` when a change cannot
 * be undone (a non-configurable property was added or an object was frozen): the caller then
 * throws the context away.
 */
export function installRealmGuard(global: any): { restore(): boolean } {
  // The guard's own tools, taken before BJS could replace them.
  const { apply, ownKeys, getOwnPropertyDescriptor, getPrototypeOf, setPrototypeOf, deleteProperty, defineProperty, isExtensible } = Reflect;
  const { keys, getOwnPropertySymbols, isFrozen } = Object;

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
    defineProperty(getPrototypeOf(fn)!, "constructor", { value: blockedFunction, writable: false, configurable: false });
  }
  blockedFunction.prototype = Function.prototype;
  global.Function = blockedFunction;
  const blockedProxy = unavailable("Proxy");
  global.Proxy = blockedProxy;

  // An assignment can only add an enumerable property or change a writable value, which the
  // quick check below sees. Anything else (a non-enumerable property, new attributes, a new
  // accessor) takes one of these functions: while none of them ran, the quick check suffices.
  let redefined = false;
  const watch = (owner: any, name: string) => {
    const original = owner[name];
    const watched = {
      [name](...args: unknown[]) {
        redefined = true;
        return apply(original, owner, args);
      },
    }[name]!;
    defineProperty(watched, "length", { value: original.length });
    defineProperty(owner, name, { value: watched, writable: true, enumerable: false, configurable: true });
  };
  watch(Object, "defineProperty");
  watch(Object, "defineProperties");
  watch(Reflect, "defineProperty");
  watch(Error, "captureStackTrace");

  // What an execution could change that the next one would see: the global object, every
  // global value (constructors, namespaces such as Math, JSON, Bot, Api), and the prototypes
  // of constructors with their parents. Members of member functions are not walked: changing
  // them leaks at most into the same bot's next execution (each bot has its own realm).
  // A frozen object cannot change, so it is not watched (the BJS surface is frozen).
  const guarded = new Set<object>();
  const add = (value: unknown) => {
    if ((typeof value === "object" || typeof value === "function") && value !== null && !isFrozen(value)) guarded.add(value);
  };
  add(global);
  for (const key of ownKeys(global)) {
    const descriptor = getOwnPropertyDescriptor(global, key)!;
    if (!("value" in descriptor)) continue;
    const value = descriptor.value;
    add(value);
    if (typeof value === "function" && value.prototype) {
      add(value.prototype);
      add(getPrototypeOf(value.prototype));
      add(getPrototypeOf(value));
    }
  }

  // Per object: every descriptor (to rebuild it), its data values and accessors to compare
  // (a read, no allocation), its key counts, whether it was extensible, and its prototype.
  interface Shape {
    object: any;
    descriptors: Map<PropertyKey, PropertyDescriptor>;
    dataKeys: PropertyKey[];
    dataValues: unknown[];
    accessors: [PropertyKey, PropertyDescriptor][];
    keyCount: number;
    enumerableCount: number;
    symbolCount: number;
    extensible: boolean;
    proto: object | null;
  }
  const shapes: Shape[] = [...guarded].map((object) => {
    const descriptors = new Map<PropertyKey, PropertyDescriptor>();
    const dataKeys: PropertyKey[] = [];
    const dataValues: unknown[] = [];
    const accessors: [PropertyKey, PropertyDescriptor][] = [];
    for (const key of ownKeys(object)) {
      const descriptor = getOwnPropertyDescriptor(object, key)!;
      descriptors.set(key, descriptor);
      if (!("value" in descriptor)) accessors.push([key, descriptor]);
      // A value that is neither writable nor configurable cannot change.
      else if (descriptor.writable || descriptor.configurable) dataKeys.push(key), dataValues.push(descriptor.value);
    }
    return {
      object,
      descriptors,
      dataKeys,
      dataValues,
      accessors,
      keyCount: descriptors.size,
      enumerableCount: keys(object).length,
      symbolCount: getOwnPropertySymbols(object).length,
      extensible: isExtensible(object),
      proto: getPrototypeOf(object),
    };
  });

  /**
   * What an assignment or a `delete` can change (a deleted property reads as what it inherits,
   * which for built-ins differs from their own value); the rest moves only through the watched
   * functions.
   */
  const seemsUnchanged = (shape: Shape) => {
    const { object, dataKeys, dataValues } = shape;
    if (keys(object).length !== shape.enumerableCount || getOwnPropertySymbols(object).length !== shape.symbolCount) return false;
    if (isExtensible(object) !== shape.extensible || getPrototypeOf(object) !== shape.proto) return false;
    for (let i = 0; i < dataKeys.length; i++) if (object[dataKeys[i]!] !== dataValues[i]) return false;
    for (const [key, descriptor] of shape.accessors) {
      const now = getOwnPropertyDescriptor(object, key);
      if (!now || now.get !== descriptor.get || now.set !== descriptor.set) return false;
    }
    return true;
  };

  const same = (a: PropertyDescriptor, b: PropertyDescriptor) =>
    a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;

  /** Every descriptor as recorded. */
  const unchanged = (shape: Shape) => {
    const { object, descriptors } = shape;
    if (ownKeys(object).length !== shape.keyCount || isExtensible(object) !== shape.extensible || getPrototypeOf(object) !== shape.proto) return false;
    for (const [key, descriptor] of descriptors) {
      const now = getOwnPropertyDescriptor(object, key);
      if (!now || !same(now, descriptor)) return false;
    }
    return true;
  };

  /** Puts one object back as it was, touching only what differs; false when that is impossible. */
  const rebuild = (shape: Shape) => {
    const { object, descriptors } = shape;
    let clean = isExtensible(object) === shape.extensible;
    if (getPrototypeOf(object) !== shape.proto && !setPrototypeOf(object, shape.proto)) clean = false;
    for (const key of ownKeys(object)) {
      if (!descriptors.has(key) && !deleteProperty(object, key)) clean = false;
    }
    for (const [key, descriptor] of descriptors) {
      const now = getOwnPropertyDescriptor(object, key);
      if (!(now && same(now, descriptor)) && !defineProperty(object, key, descriptor)) clean = false;
    }
    return clean;
  };

  return {
    restore(): boolean {
      const check = redefined ? unchanged : seemsUnchanged;
      redefined = false;
      let clean = true;
      for (const shape of shapes) if (!check(shape) && !rebuild(shape)) clean = false;
      return clean;
    },
  };
}
