/**
 * The realm guard: after every execution, it puts back whatever the execution changed of a
 * realm (implicit globals, patched prototypes, replaced surface functions), so the bot's next
 * execution starts as the first did. These functions run inside the isolate (injected with
 * Function.prototype.toString, so they may use nothing but the isolate's own globals), in two
 * halves:
 *
 * - `installRealmGuard`, in each bot's realm: removes what BJS must not have, watches the
 *   functions that redefine properties, and guards the realm's global object (no other context
 *   may read it). Installed once, into the startup snapshot every realm is copied from
 *   (isolate-host.ts); `record()` runs in each copy before BJS does, because V8 adds some
 *   properties to every context it copies from a snapshot (WebAssembly, SharedArrayBuffer,
 *   Atomics, Error.stackTraceLimit, newer Array methods): what BJS must not have is removed
 *   again, and the shape is recorded as BJS will find it. It answers the realm's other
 *   guarded objects: its built-ins and their prototypes.
 * - `installIsolateGuard`, in a context of its own that no BJS reaches, one per isolate: guards
 *   those objects for every realm. Its code is one copy for all realms, so V8 warms and
 *   optimizes it once; a copy per realm ran cold in every realm of a platform with many bots,
 *   and was then the largest part of a run.
 *
 * A restore runs after the body, so it runs no BJS code: no iteration protocol, no property
 * read that could reach a getter or a patched prototype. It walks arrays by index, defines
 * only from null-prototype records, and calls only functions captured before BJS ran. It
 * answers false when a change cannot be undone (a non-configurable property was added or an
 * object was frozen): the host then throws the realm away.
 */

/** What a guard keeps of one object: every own property as recorded, its key counts, whether it was extensible, and its prototype. */
interface Shape {
  object: any;
  /** Per property, STRIDE slots: key, value (or getter), setter, flags. */
  slots: unknown[];
  keyCount: number;
  enumerableCount: number;
  symbolCount: number;
  extensible: boolean;
  proto: object | null;
}

/** Records objects' shapes and puts objects back as recorded; made in the context it runs in, from that context's own tools. */
export interface ShapeTools {
  shapeOf(object: object): Shape;
  /**
   * Puts an object back as recorded; false when that is impossible. `thorough` after a watched
   * function ran: otherwise only what an assignment or a `delete` can change is compared.
   */
  restore(shape: Shape, thorough: boolean): boolean;
}

export function shapeTools(): ShapeTools {
  // Taken before BJS could replace them.
  const { ownKeys, getOwnPropertyDescriptor, getPrototypeOf, setPrototypeOf, deleteProperty, defineProperty, isExtensible } = Reflect;
  const { keys, getOwnPropertySymbols, hasOwn } = Object;
  /** An own field of a descriptor (never one inherited from a patched Object.prototype). */
  const field = (descriptor: PropertyDescriptor, key: keyof PropertyDescriptor) => (hasOwn(descriptor, key) ? descriptor[key] : undefined);

  // Properties are kept flat, STRIDE slots each, rather than as descriptor records: every realm
  // has about 800 of them, and flat slots take a fraction of the memory.
  const STRIDE = 4;
  const WRITABLE = 1;
  const ENUMERABLE = 2;
  const CONFIGURABLE = 4;
  const ACCESSOR = 8;
  const MAX_NEW_KEYS = 1000;
  const flagsOf = (descriptor: PropertyDescriptor) =>
    (field(descriptor, "writable") ? WRITABLE : 0) |
    (field(descriptor, "enumerable") ? ENUMERABLE : 0) |
    (field(descriptor, "configurable") ? CONFIGURABLE : 0) |
    (hasOwn(descriptor, "value") ? 0 : ACCESSOR);

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
      const key = slots[at] as PropertyKey;
      const flags = slots[at + 3] as number;
      const readOnly = flags & ACCESSOR || !(flags & WRITABLE);
      if (readOnly && !(flags & ENUMERABLE) && typeof key === "string") {
        // Only a watched function puts another accessor or value in place of a read-only own
        // one. Deleted, a non-enumerable one named by a string can come back by assignment only
        // as an enumerable value, which the count above sees: while it is still there, it is the
        // same (so every function's `length` and `name` go unread: their reads run native getters).
        if (!hasOwn(object, key)) return false;
      } else if (flags & ACCESSOR) {
        const now = getOwnPropertyDescriptor(object, key);
        if (!now || field(now, "get") !== slots[at + 1] || field(now, "set") !== slots[at + 2]) return false;
      } else if (flags & (WRITABLE | CONFIGURABLE)) {
        // A value that is neither writable nor configurable cannot change. Only own keys that
        // were data properties and still are (an accessor defined in their place went through a
        // watched function), so this read reaches no getter; a deleted one is not read, since
        // the read would go up the prototype chain, where BJS may have put a getter.
        if (!hasOwn(object, key) || object[key] !== slots[at + 1]) return false;
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

  /**
   * Puts one object back as it was, touching only what differs; false when that is impossible,
   * or when the object has more new properties than are worth undoing one by one: the realm is
   * then thrown away (a fresh one costs a few milliseconds), which bounds a restore's work
   * without a timer.
   */
  const rebuild = (shape: Shape) => {
    const { object, slots } = shape;
    const present = ownKeys(object);
    if (present.length > slots.length / STRIDE + MAX_NEW_KEYS) return false;
    let clean = isExtensible(object) === shape.extensible;
    if (getPrototypeOf(object) !== shape.proto && !setPrototypeOf(object, shape.proto)) clean = false;
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
    shapeOf(object) {
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
    },
    restore(shape, thorough) {
      return (thorough ? unchanged(shape) : seemsUnchanged(shape)) || rebuild(shape);
    },
  };
}

/**
 * The realm's half of the guard (see above). `restore()` answers its verdict as one character:
 * "-" the global object could not be put back, "!" it was, but a watched function ran (the
 * isolate's guard must compare every property), "+" it was. `untouched`: the host knows the
 * run could not change the global object (inert-body.ts), which is then not compared unless a
 * watched function ran all the same.
 */
export function installRealmGuard(global: any, tools: ShapeTools): { record(): object[]; restore(untouched: boolean): string } {
  const { apply, ownKeys, getOwnPropertyDescriptor, getPrototypeOf, defineProperty } = Reflect;
  const { isFrozen } = Object;
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
  // quick check sees. Anything else (a non-enumerable property, new attributes, a new
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

  let globalShape: Shape | undefined;
  return {
    record() {
      removeForbidden();
      // What an execution could change that the next one would see: the global object and its
      // prototypes, every global value (constructors, namespaces such as Math, JSON, Bot, Api)
      // with its prototype, the prototypes of constructors with their parents, and the built-ins
      // BJS reaches only through values it makes (iterators, generator and async functions,
      // promises): the platform's own code iterates arrays at the start of a run, so a hook left
      // on an iterator would run there. Members of member functions, and of namespaces (Intl's
      // constructors), are not walked: changing them leaks at most into the same bot's next
      // execution (each bot has its own realm), and every object watched costs every run (Intl's
      // made runs about 3% slower with 500 bots taking turns). A frozen object cannot change, so it is
      // not watched (the BJS surface is frozen).
      const guarded = new Set<object>();
      const isObject = (value: unknown): value is object => (typeof value === "object" || typeof value === "function") && value !== null;
      const add = (value: unknown) => {
        if (isObject(value) && value !== global && !isFrozen(value)) guarded.add(value);
      };
      // The global object's own prototypes: a name BJS puts there resolves as a global.
      for (let proto = getPrototypeOf(global); proto !== null; proto = getPrototypeOf(proto)) add(proto);
      for (const key of ownKeys(global)) {
        const descriptor = getOwnPropertyDescriptor(global, key)!;
        if (!("value" in descriptor)) continue;
        const value = descriptor.value;
        add(value);
        if (isObject(value)) add(getPrototypeOf(value));
        if (typeof value === "function" && value.prototype) {
          add(value.prototype);
          add(getPrototypeOf(value.prototype));
        }
      }
      const addChain = (value: unknown) => {
        for (let at = value; isObject(at); at = getPrototypeOf(at)) add(at);
      };
      const functionKinds = [function* () {}, async function () {}, async function* () {}];
      const promise = (async () => {})();
      const made = [[][Symbol.iterator](), ""[Symbol.iterator](), new Map().entries(), new Set().values(), /./[Symbol.matchAll](""), promise, ...functionKinds];
      for (const value of made) addChain(getPrototypeOf(value));
      for (const kind of functionKinds) addChain((getPrototypeOf(kind) as { prototype?: object }).prototype);
      add((getPrototypeOf(promise) as { constructor: unknown }).constructor);
      // The names a `with` block over an array leaves out: an object held by Array.prototype.
      add((Array.prototype as unknown as Record<symbol, unknown>)[Symbol.unscopables]);
      globalShape = tools.shapeOf(global);
      redefined = false;
      return [...guarded];
    },
    restore(untouched) {
      if (untouched && !redefined) return "+";
      const thorough = redefined;
      const clean = tools.restore(globalShape!, thorough);
      // Nothing of BJS can run during the restore; should anything have redefined a property
      // meanwhile, the isolate's guard compares every property all the same.
      const verdict = !clean ? "-" : thorough || redefined ? "!" : "+";
      redefined = false;
      return verdict;
    },
  };
}

/**
 * The isolate's half of the guard (see above): the shapes of every realm's guarded objects,
 * by realm. The host records a realm's objects once it is built and forgets them when it is
 * released, so that a dropped realm is not kept alive from here.
 */
export function installIsolateGuard(tools: ShapeTools): { record(realm: number, objects: readonly object[]): void; restore(realm: number, thorough: boolean): boolean; forget(realm: number): void } {
  const shapesByRealm = new Map<number, Shape[]>();
  return {
    record(realm, objects) {
      const shapes: Shape[] = [];
      for (let i = 0; i < objects.length; i++) shapes[i] = tools.shapeOf(objects[i]!);
      shapesByRealm.set(realm, shapes);
    },
    restore(realm, thorough) {
      const shapes = shapesByRealm.get(realm);
      if (!shapes) return false;
      let clean = true;
      for (let i = 0; i < shapes.length; i++) if (!tools.restore(shapes[i]!, thorough)) clean = false;
      return clean;
    },
    forget(realm) {
      shapesByRealm.delete(realm);
    },
  };
}
