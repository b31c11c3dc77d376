/**
 * Runs inside the isolate (injected with Function.prototype.toString, so it may use nothing
 * but the isolate's own globals). Removes what BJS must not have, then records the realm's
 * shape so that `restore()` can undo whatever an execution changed: implicit globals, patched
 * prototypes, replaced surface functions. Answers false from `restore()` when a change cannot
 * be undone (a non-configurable property was added or an object was frozen): the caller then
 * throws the context away.
 *
 * The guard is installed once, into the startup snapshot every realm is copied from
 * (isolate-host.ts); `record()` runs in each copy before BJS does, because V8 adds some
 * properties to every context it copies from a snapshot (WebAssembly, SharedArrayBuffer,
 * Atomics, Error.stackTraceLimit, newer Array methods): what BJS must not have is removed
 * again, and the shape is recorded as BJS will find it.
 *
 * `restore()` runs after the body, so it runs no BJS code: no iteration protocol, no property
 * read that could reach a getter or a patched prototype. It walks arrays by index, defines
 * only from null-prototype records, and calls only functions captured here.
 */
export function installRealmGuard(global: any): { record(): void; restore(): boolean } {
  // The guard's own tools, taken before BJS could replace them.
  const { apply, ownKeys, getOwnPropertyDescriptor, getPrototypeOf, setPrototypeOf, deleteProperty, defineProperty, isExtensible } = Reflect;
  const { keys, getOwnPropertySymbols, isFrozen, hasOwn } = Object;
  /** An own field of a descriptor (never one inherited from a patched Object.prototype). */
  const field = (descriptor: PropertyDescriptor, key: keyof PropertyDescriptor) => (hasOwn(descriptor, key) ? descriptor[key] : undefined);
  const unavailable = (what: string) =>
    function () {
      throw new TypeError(`${what} is not available in BJS`);
    };
  const removeForbidden = () => {
    for (const name of ["WebAssembly", "SharedArrayBuffer", "Atomics", "FinalizationRegistry", "WeakRef", "Promise", "queueMicrotask", "setTimeout", "setInterval"]) {
      delete global[name];
    }
  };
  removeForbidden();
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

  // Per object: every own property as recorded (to compare, and to rebuild it), its key
  // counts, whether it was extensible, and its prototype. Properties are kept flat, STRIDE
  // slots each, rather than as descriptor records: every realm holds about 800 of them, and
  // flat slots take a fraction of the memory (realms are copied from a startup snapshot, and
  // their size is what a realm costs to build and to keep warm).
  const STRIDE = 4;
  const WRITABLE = 1;
  const ENUMERABLE = 2;
  const CONFIGURABLE = 4;
  const ACCESSOR = 8;
  interface Shape {
    object: any;
    /** Per property: key, value (or getter), setter, flags. */
    slots: unknown[];
    keyCount: number;
    enumerableCount: number;
    symbolCount: number;
    extensible: boolean;
    proto: object | null;
  }
  const flagsOf = (descriptor: PropertyDescriptor) =>
    (field(descriptor, "writable") ? WRITABLE : 0) |
    (field(descriptor, "enumerable") ? ENUMERABLE : 0) |
    (field(descriptor, "configurable") ? CONFIGURABLE : 0) |
    (hasOwn(descriptor, "value") ? 0 : ACCESSOR);
  /** The shape of everything an execution could change, as it is now. */
  const shapesNow = (): Shape[] => {
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
    return [...guarded].map((object) => {
      const ownKeyList = ownKeys(object);
      const slots: unknown[] = [];
      for (const key of ownKeyList) {
        const descriptor = getOwnPropertyDescriptor(object, key)!;
        const flags = flagsOf(descriptor);
        if (flags & ACCESSOR) slots.push(key, field(descriptor, "get"), field(descriptor, "set"), flags);
        else slots.push(key, field(descriptor, "value"), undefined, flags);
      }
      return {
        object,
        slots,
        keyCount: ownKeyList.length,
        enumerableCount: keys(object).length,
        symbolCount: getOwnPropertySymbols(object).length,
        extensible: isExtensible(object),
        proto: getPrototypeOf(object),
      };
    });
  };
  let shapes: Shape[] = [];

  /** The recorded descriptor of one property, as a null-prototype record safe to define from. */
  const descriptorAt = (slots: unknown[], at: number): PropertyDescriptor => {
    const flags = slots[at + 3] as number;
    const descriptor: any = { __proto__: null, enumerable: (flags & ENUMERABLE) !== 0, configurable: (flags & CONFIGURABLE) !== 0 };
    if (flags & ACCESSOR) {
      descriptor.get = slots[at + 1];
      descriptor.set = slots[at + 2];
    } else {
      descriptor.value = slots[at + 1];
      descriptor.writable = (flags & WRITABLE) !== 0;
    }
    return descriptor;
  };

  /**
   * What an assignment or a `delete` can change (a deleted property reads as what it inherits,
   * which for built-ins differs from their own value); the rest moves only through the watched
   * functions.
   */
  const seemsUnchanged = (shape: Shape) => {
    const { object, slots } = shape;
    if (keys(object).length !== shape.enumerableCount || getOwnPropertySymbols(object).length !== shape.symbolCount) return false;
    if (isExtensible(object) !== shape.extensible || getPrototypeOf(object) !== shape.proto) return false;
    for (let at = 0; at < slots.length; at += STRIDE) {
      const flags = slots[at + 3] as number;
      if (flags & ACCESSOR) {
        const now = getOwnPropertyDescriptor(object, slots[at] as PropertyKey);
        if (!now || field(now, "get") !== slots[at + 1] || field(now, "set") !== slots[at + 2]) return false;
      } else if (flags & (WRITABLE | CONFIGURABLE)) {
        // A value that is neither writable nor configurable cannot change. Only keys that were
        // data properties and still are (an accessor defined in their place went through a
        // watched function), so this read reaches no getter.
        if (object[slots[at] as PropertyKey] !== slots[at + 1]) return false;
      }
    }
    return true;
  };

  /** Whether a property is now as recorded at `at`. */
  const same = (now: PropertyDescriptor, slots: unknown[], at: number) => {
    const flags = slots[at + 3] as number;
    if (flagsOf(now) !== flags) return false;
    return flags & ACCESSOR ? field(now, "get") === slots[at + 1] && field(now, "set") === slots[at + 2] : field(now, "value") === slots[at + 1];
  };

  /** Every property as recorded. */
  const unchanged = (shape: Shape) => {
    const { object, slots } = shape;
    if (ownKeys(object).length !== shape.keyCount || isExtensible(object) !== shape.extensible || getPrototypeOf(object) !== shape.proto) return false;
    for (let at = 0; at < slots.length; at += STRIDE) {
      const now = getOwnPropertyDescriptor(object, slots[at] as PropertyKey);
      if (!now || !same(now, slots, at)) return false;
    }
    return true;
  };

  /** Puts one object back as it was, touching only what differs; false when that is impossible. */
  const rebuild = (shape: Shape) => {
    const { object, slots } = shape;
    let clean = isExtensible(object) === shape.extensible;
    if (getPrototypeOf(object) !== shape.proto && !setPrototypeOf(object, shape.proto)) clean = false;
    const present = ownKeys(object);
    for (let i = 0; i < present.length; i++) {
      let known = false;
      for (let at = 0; at < slots.length && !known; at += STRIDE) known = slots[at] === present[i];
      if (!known && !deleteProperty(object, present[i]!)) clean = false;
    }
    for (let at = 0; at < slots.length; at += STRIDE) {
      const key = slots[at] as PropertyKey;
      const now = getOwnPropertyDescriptor(object, key);
      if (!(now && same(now, slots, at)) && !defineProperty(object, key, descriptorAt(slots, at))) clean = false;
    }
    return clean;
  };

  return {
    record(): void {
      removeForbidden();
      shapes = shapesNow();
      redefined = false;
    },
    restore(): boolean {
      const check = redefined ? unchanged : seemsUnchanged;
      redefined = false;
      let clean = true;
      for (let i = 0; i < shapes.length; i++) if (!check(shapes[i]!) && !rebuild(shapes[i]!)) clean = false;
      return clean;
    },
  };
}
