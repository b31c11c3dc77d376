import { describe, expect, it } from "vitest";
import { shapeTools } from "../../src/runtime/sandbox/realm-guard.js";

// The shape tools run inside isolates; they use only the language's own globals, so they are
// tested here on plain objects.
describe("realm guard shape tools", () => {
  const tools = shapeTools();
  const method = () => 1;
  const recorded = () => {
    const object: Record<string, unknown> = { kept: 1 };
    Object.defineProperty(object, "method", { value: method, writable: true, enumerable: false, configurable: true });
    return { object, shape: tools.shapeOf(object) };
  };

  it("puts back replaced, deleted and added properties, quickly checked or thoroughly", () => {
    for (const thorough of [false, true]) {
      const { object, shape } = recorded();
      object.kept = 2;
      delete object.method;
      for (let i = 0; i < 50; i++) object[`new${i}`] = i;
      expect(tools.restore(shape, thorough)).toBe(true);
      expect(Reflect.ownKeys(object)).toEqual(["kept", "method"]);
      expect(object.kept).toBe(1);
      expect(object.method).toBe(method);
      expect(Object.getOwnPropertyDescriptor(object, "method")!.enumerable).toBe(false);
    }
  });

  it("puts back a function's read-only name, deleted or redefined without a watched function (a class field on an object a constructor returned)", () => {
    const fn = function original() {};
    const shape = tools.shapeOf(fn);
    class Returning {
      constructor(target: object) {
        return target;
      }
    }
    class Renaming extends Returning {
      name = "renamed";
    }
    for (const change of [() => delete (fn as { name?: string }).name, () => new Renaming(fn)]) {
      change();
      expect(tools.restore(shape, false)).toBe(true);
      expect(Object.getOwnPropertyDescriptor(fn, "name")).toEqual({ value: "original", writable: false, enumerable: false, configurable: true });
    }
  });

  it("answers clean at once for an object as recorded", () => {
    const { shape } = recorded();
    expect(tools.restore(shape, false)).toBe(true);
    expect(tools.restore(shape, true)).toBe(true);
  });

  it("gives up on an object with more new properties than are worth undoing one by one, touching none of them", () => {
    const { object, shape } = recorded();
    for (let i = 0; i < 1001; i++) object[`new${i}`] = i;
    expect(tools.restore(shape, false)).toBe(false);
    // Not undone: the host drops such a realm instead.
    expect(Object.keys(object)).toHaveLength(1002);
  });

  it("says an object it cannot put back is not clean (frozen, a non-configurable property added)", () => {
    const frozen = recorded();
    Object.freeze(frozen.object);
    expect(tools.restore(frozen.shape, true)).toBe(false);
    const stuck = recorded();
    Object.defineProperty(stuck.object, "stuck", { value: 1, configurable: false });
    expect(tools.restore(stuck.shape, true)).toBe(false);
  });
});
