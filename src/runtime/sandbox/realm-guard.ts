/**
 * Runs inside the isolate (injected with Function.prototype.toString, so it may use nothing
 * but the isolate's own globals). Removes what BJS must not have, then records the realm's
 * shape so that `restore()` can undo whatever an execution changed: implicit globals, patched
 * prototypes, replaced surface functions. Answers false from `restore()` when a change cannot
 * be undone (a non-configurable property was added or an object was frozen): the caller then
 * throws the context away.
 *
 * `restore()` runs after the body, so it runs no BJS code: no iteration protocol, no property
 * read that could reach a getter or a patched prototype. It walks arrays by index, keeps
 * descriptors as null-prototype records, and calls only functions captured here.
 */
export function installRealmGuard(global: any): { restore(): boolean } {
  // The guard's own tools, taken before BJS could replace them.
  const { apply, ownKeys, getOwnPropertyDescriptor, getPrototypeOf, setPrototypeOf, deleteProperty, defineProperty, isExtensible } = Reflect;
  const { keys, getOwnPropertySymbols, isFrozen, hasOwn } = Object;
  /** An own field of a descriptor (never one inherited from a patched Object.prototype). */
  const field = (descriptor: PropertyDescriptor, key: keyof PropertyDescriptor) => (hasOwn(descriptor, key) ? descriptor[key] : undefined);
  /** A descriptor copied to a null-prototype record, safe to read and to define from. */
  const record = (descriptor: PropertyDescriptor): PropertyDescriptor => {
    const copy: any = { __proto__: null };
    for (const key of ["value", "get", "set", "writable", "enumerable", "configurable"] as const) if (hasOwn(descriptor, key)) copy[key] = descriptor[key];
    return copy;
  };

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
  watch(Object.prototype, "__defineGetter__");
  watch(Object.prototype, "__defineSetter__");

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
    /** Own keys as recorded, and their descriptors at the same index. */
    keys: PropertyKey[];
    descriptors: PropertyDescriptor[];
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
    const ownKeyList = ownKeys(object);
    const descriptors: PropertyDescriptor[] = [];
    const dataKeys: PropertyKey[] = [];
    const dataValues: unknown[] = [];
    const accessors: [PropertyKey, PropertyDescriptor][] = [];
    for (const key of ownKeyList) {
      const descriptor = record(getOwnPropertyDescriptor(object, key)!);
      descriptors.push(descriptor);
      if (!hasOwn(descriptor, "value")) accessors.push([key, descriptor]);
      // A value that is neither writable nor configurable cannot change.
      else if (descriptor.writable || descriptor.configurable) dataKeys.push(key), dataValues.push(descriptor.value);
    }
    return {
      object,
      keys: ownKeyList,
      descriptors,
      dataKeys,
      dataValues,
      accessors,
      keyCount: ownKeyList.length,
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
    // Only keys that were data properties and still are (an accessor defined in their place
    // went through a watched function), so this read reaches no getter.
    for (let i = 0; i < dataKeys.length; i++) if (object[dataKeys[i]!] !== dataValues[i]) return false;
    const { accessors } = shape;
    for (let i = 0; i < accessors.length; i++) {
      const [key, descriptor] = accessors[i]!;
      const now = getOwnPropertyDescriptor(object, key);
      if (!now || field(now, "get") !== descriptor.get || field(now, "set") !== descriptor.set) return false;
    }
    return true;
  };

  const same = (now: PropertyDescriptor, recorded: PropertyDescriptor) =>
    field(now, "value") === recorded.value &&
    field(now, "get") === recorded.get &&
    field(now, "set") === recorded.set &&
    field(now, "writable") === recorded.writable &&
    field(now, "enumerable") === recorded.enumerable &&
    field(now, "configurable") === recorded.configurable;

  /** Every descriptor as recorded. */
  const unchanged = (shape: Shape) => {
    const { object, keys: recordedKeys, descriptors } = shape;
    if (ownKeys(object).length !== shape.keyCount || isExtensible(object) !== shape.extensible || getPrototypeOf(object) !== shape.proto) return false;
    for (let i = 0; i < recordedKeys.length; i++) {
      const now = getOwnPropertyDescriptor(object, recordedKeys[i]!);
      if (!now || !same(now, descriptors[i]!)) return false;
    }
    return true;
  };

  /** Puts one object back as it was, touching only what differs; false when that is impossible. */
  const rebuild = (shape: Shape) => {
    const { object, keys: recordedKeys, descriptors } = shape;
    let clean = isExtensible(object) === shape.extensible;
    if (getPrototypeOf(object) !== shape.proto && !setPrototypeOf(object, shape.proto)) clean = false;
    const present = ownKeys(object);
    for (let i = 0; i < present.length; i++) {
      let known = false;
      for (let j = 0; j < recordedKeys.length && !known; j++) known = recordedKeys[j] === present[i];
      if (!known && !deleteProperty(object, present[i]!)) clean = false;
    }
    for (let i = 0; i < recordedKeys.length; i++) {
      const now = getOwnPropertyDescriptor(object, recordedKeys[i]!);
      if (!(now && same(now, descriptors[i]!)) && !defineProperty(object, recordedKeys[i]!, descriptors[i]!)) clean = false;
    }
    return clean;
  };

  return {
    restore(): boolean {
      const check = redefined ? unchanged : seemsUnchanged;
      redefined = false;
      let clean = true;
      for (let i = 0; i < shapes.length; i++) if (!check(shapes[i]!) && !rebuild(shapes[i]!)) clean = false;
      return clean;
    },
  };
}
