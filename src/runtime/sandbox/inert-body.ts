import { parse, type Node } from "acorn";
import { CONTEXT_NAMES } from "../bjs/surface-config.js";

/**
 * What a run of a body may change of its realm (realm-guard.ts): anything; only global names of
 * its own (implicit globals: the realm's half of the guard compares the global object, the
 * isolate's half need not compare the built-ins); or nothing the guard watches.
 */
export type Reach = "anything" | "own globals" | "nothing";

/**
 * What of its realm a body may change. It is inert when, whatever it does, it cannot reach an
 * object the isolate's guard watches (the realm's built-ins and their prototypes), so after it
 * runs the guard need not compare them; and if it also assigns no global name of its own, the
 * realm's half need not compare the global object. Those comparisons are most of what a short
 * run costs inside its isolate (bench/executor.ts with 1,000 bots: the built-ins' 180 µs of 475,
 * the global object's about 80 more).
 *
 * Code changes such an object only by holding it, by running code that holds it (its own
 * functions, a library's), or through a name of the global object. So an inert body:
 * - defines no function, class, getter or setter, and assigns, updates or deletes names only,
 *   never a property;
 * - reads properties by name or by a literal key, never one that leads from a value to the
 *   built-ins (`constructor`, `prototype`, `__proto__`, `callee`, `valueOf`...), so every value
 *   it holds is data, an object made in the run, or a function. It may call any function it
 *   holds with any `this` and arguments (`call`, `apply`, `bind`, or a `toString` or `toJSON`
 *   it puts on an object); that is safe because no built-in it can reach answers or writes a
 *   guarded object or the global object, and no sloppy-mode function is reachable (the
 *   platform's code is strict, bodies and libraries are not values here). A realm qualifies
 *   only while every run in it was inert (isolate-host.ts): an earlier run may have left a
 *   built-in on a function, such as `Math.max.x`, which the guard does not watch;
 * - uses the global object's names only as the execution's context (`message`, `user`...: data
 *   the surface made for this run, behind accessors fixed for the realm's life, so assigning one
 *   never changes the global object), `undefined`, `NaN` and `Infinity`, and to call:
 *   `parseInt(...)` and its kind, `Math.max(...)`, `JSON.parse(...)`, `Date.now()` and
 *   `new Date(...)` (members that ignore their `this`, the namespace), and the methods of the
 *   surface's `Bot`, `User`, `Api` and `HTTP`, none of which runs BJS or answers a built-in
 *   object (`typeof` of any other global is a read too: a core library's global loads the
 *   library). The surface took `Object.defineProperty` before the guard watched it, so what it
 *   does for the body (the legacy `data`) is no watched call. A name the body assigns that the
 *   global object does not have is an implicit global of its own, which the realm's half of
 *   the guard removes;
 * - has no `this`, `arguments`, `eval`, `with`, destructuring, or tagged template.
 * Anything else, or a body acorn cannot parse, may change anything, and the guard compares
 * everything after it, as it does for every run of a body that uses libraries.
 *
 * `globalNames`: the names of a realm's global object and its prototypes, as the isolate's
 * guard context (a copy of the same snapshot) has them: it keeps a few names a bot's realm
 * deletes (WebAssembly and the like), which only makes fewer bodies inert.
 */
export function reachOf(code: string, globalNames: ReadonlySet<string>): Reach {
  if (code.length > MAX_ANALYZED_CHARS) return "anything";
  try {
    return reachOfProgram(parse(code, { ecmaVersion: "latest", sourceType: "script", allowReturnOutsideFunction: true }), globalNames);
  } catch {
    // It does not parse, or it nests deeper than the walk's stack allows.
    return "anything";
  }
}

/**
 * Longer bodies are not told, once per sandbox process: a body this long takes about 5 ms
 * (acorn and the walk, warm, on a 2-core VM), and a command that long is seldom inert.
 */
const MAX_ANALYZED_CHARS = 32 * 1024;

function reachOfProgram(program: Node, globalNames: ReadonlySet<string>): Reach {
  const names = { declared: new Set<string>(), functionWide: new Set<string>(), assigned: new Set<string>() };
  collectNames(program, names);
  const { declared, functionWide, assigned } = names;
  for (const name of declared) if ((globalNames.has(name) && !CONTEXT.has(name)) || SPECIAL_NAMES.has(name)) return "anything";
  for (const name of assigned) if (SPECIAL_NAMES.has(name)) return "anything";
  if (!new InertCheck(declared, assigned, globalNames).statement(program)) return "anything";
  // Only a `var` is the body's own everywhere in it: past a `let`'s block, the same name is a global.
  for (const name of assigned) if (!functionWide.has(name) && !CONTEXT.has(name)) return "own globals";
  return "nothing";
}

const CONTEXT: ReadonlySet<string> = new Set(CONTEXT_NAMES);
/** Names a body may neither declare nor assign: they are the body function's own, not globals. */
const SPECIAL_NAMES = new Set(["arguments", "eval"]);
/** Global values a body may read besides its context. */
const GLOBAL_VALUES = new Set(["undefined", "NaN", "Infinity"]);
/** Global functions a body may call: each answers a primitive. */
const GLOBAL_FUNCTIONS = new Set(["parseInt", "parseFloat", "isNaN", "isFinite", "String", "Number", "Boolean", "encodeURIComponent", "decodeURIComponent", "encodeURI", "decodeURI", "escape", "unescape"]);
/** What a body may use of the language's namespaces: their functions, which answer data. */
const NAMESPACE_MEMBERS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["Math", new Set(["abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "atan2", "ceil", "cbrt", "expm1", "clz32", "cos", "cosh", "exp", "floor", "fround", "hypot", "imul", "log", "log1p", "log10", "log2", "max", "min", "pow", "random", "round", "sign", "sin", "sinh", "sqrt", "tan", "tanh", "trunc", "E", "LN10", "LN2", "LOG10E", "LOG2E", "PI", "SQRT1_2", "SQRT2"])],
  ["JSON", new Set(["parse", "stringify"])],
  ["Date", new Set(["now", "parse", "UTC"])],
]);
/** The surface's namespaces (surface.ts): frozen, and their methods queue actions or answer data. */
const SURFACE_NAMESPACES = new Set(["Bot", "User", "Api", "HTTP"]);
/** Member names that lead from a value to the built-ins, or hand back the object itself. */
const FORBIDDEN_MEMBERS = new Set([
  "constructor",
  "prototype",
  "__proto__",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
  "callee",
  "caller",
  "arguments",
  "valueOf",
]);

/**
 * The names a body declares anywhere in it (var, let, const, catch), those of them declared
 * with `var` (the body function's own throughout), and the names it assigns.
 */
function collectNames(node: unknown, names: { declared: Set<string>; functionWide: Set<string>; assigned: Set<string> }): void {
  if (Array.isArray(node)) {
    for (const item of node) collectNames(item, names);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const at = node as Record<string, any>;
  if (at.type === "VariableDeclaration" && at.kind === "var") for (const { id } of at.declarations) if (id?.type === "Identifier") names.functionWide.add(id.name);
  if (at.type === "VariableDeclarator" && at.id?.type === "Identifier") names.declared.add(at.id.name);
  if (at.type === "CatchClause" && at.param?.type === "Identifier") names.declared.add(at.param.name);
  if (at.type === "AssignmentExpression" && at.left?.type === "Identifier") names.assigned.add(at.left.name);
  if (at.type === "UpdateExpression" && at.argument?.type === "Identifier") names.assigned.add(at.argument.name);
  if ((at.type === "ForInStatement" || at.type === "ForOfStatement") && at.left?.type === "Identifier") names.assigned.add(at.left.name);
  for (const key in at) if (key !== "type") collectNames(at[key], names);
}

/** The walk: every node kind it does not know makes the body not inert. */
class InertCheck {
  constructor(
    private readonly declared: ReadonlySet<string>,
    private readonly assigned: ReadonlySet<string>,
    private readonly globalNames: ReadonlySet<string>,
  ) {}

  statement(node: any): boolean {
    if (node === null) return true;
    switch (node.type) {
      case "Program":
      case "BlockStatement":
        return node.body.every((item: any) => this.statement(item));
      case "ExpressionStatement":
        return this.value(node.expression);
      case "EmptyStatement":
      case "BreakStatement":
      case "ContinueStatement":
        return true;
      case "VariableDeclaration":
        return node.declarations.every((declarator: any) => declarator.id.type === "Identifier" && (declarator.init === null || this.value(declarator.init)));
      case "IfStatement":
        return this.value(node.test) && this.statement(node.consequent) && this.statement(node.alternate);
      case "ForStatement":
        return (node.init === null || (node.init.type === "VariableDeclaration" ? this.statement(node.init) : this.value(node.init))) && this.optional(node.test) && this.optional(node.update) && this.statement(node.body);
      case "ForInStatement":
      case "ForOfStatement":
        return this.loopTarget(node.left) && this.value(node.right) && this.statement(node.body);
      case "WhileStatement":
      case "DoWhileStatement":
        return this.value(node.test) && this.statement(node.body);
      case "LabeledStatement":
        return this.statement(node.body);
      case "ReturnStatement":
        return this.optional(node.argument);
      case "ThrowStatement":
        return this.value(node.argument);
      case "TryStatement":
        return this.statement(node.block) && (node.handler === null || ((node.handler.param === null || node.handler.param.type === "Identifier") && this.statement(node.handler.body))) && this.statement(node.finalizer);
      case "SwitchStatement":
        return this.value(node.discriminant) && node.cases.every((entry: any) => this.optional(entry.test) && entry.consequent.every((item: any) => this.statement(item)));
      default:
        return false;
    }
  }

  private optional(node: any): boolean {
    return node === null || node === undefined || this.value(node);
  }

  private loopTarget(node: any): boolean {
    if (node.type === "Identifier") return this.assignable(node.name);
    return node.type === "VariableDeclaration" && node.declarations.length === 1 && node.declarations[0].id.type === "Identifier" && node.declarations[0].init === null;
  }

  /** Whether a name may be assigned: the body's own, a context global, or a name the global object does not have. */
  private assignable(name: string): boolean {
    return this.declared.has(name) || CONTEXT.has(name) || !this.globalNames.has(name);
  }

  /** Whether a name read as a value holds data the body may have. */
  private readable(name: string): boolean {
    if (this.declared.has(name) || CONTEXT.has(name) || GLOBAL_VALUES.has(name)) return true;
    return this.assigned.has(name) && !this.globalNames.has(name);
  }

  /** A name in `names` that is the realm's own global: the body neither declares nor assigns it. */
  private isGlobal(node: any, names: { has(name: string): boolean }): boolean {
    return node.type === "Identifier" && names.has(node.name) && this.globalNames.has(node.name) && !this.declared.has(node.name) && !this.assigned.has(node.name);
  }

  private member(node: any): boolean {
    if (node.computed) {
      const key = node.property;
      if (key.type !== "Literal" || (typeof key.value !== "string" && typeof key.value !== "number") || FORBIDDEN_MEMBERS.has(String(key.value))) return false;
    } else if (node.property.type !== "Identifier" || FORBIDDEN_MEMBERS.has(node.property.name)) {
      return false;
    }
    const owner = node.object;
    if (!node.computed && owner.type === "Identifier") {
      if (this.isGlobal(owner, NAMESPACE_MEMBERS)) return NAMESPACE_MEMBERS.get(owner.name)!.has(node.property.name);
      if (this.isGlobal(owner, SURFACE_NAMESPACES)) return true;
    }
    return this.value(owner);
  }

  private argumentsOf(node: any): boolean {
    return node.arguments.every((argument: any) => this.value(argument));
  }

  value(node: any): boolean {
    switch (node.type) {
      case "Literal":
        return true;
      case "Identifier":
        return this.readable(node.name);
      case "TemplateLiteral":
        return node.expressions.every((expression: any) => this.value(expression));
      // Only where acorn puts it: in an array, an object, or a call's arguments.
      case "SpreadElement":
        return this.value(node.argument);
      case "ArrayExpression":
        return node.elements.every((element: any) => element === null || this.value(element));
      case "ObjectExpression":
        return node.properties.every((property: any) => {
          if (property.type === "SpreadElement") return this.value(property);
          if (property.kind !== "init" || property.method) return false;
          return (!property.computed || this.value(property.key)) && this.value(property.value);
        });
      case "UnaryExpression":
        if (node.operator === "delete") return false;
        // `typeof` of a name the realm does not have reads nothing; of one it has, it may run a
        // getter (a core library's global loads the library), so that is a read like any.
        return (node.operator === "typeof" && node.argument.type === "Identifier" && !this.globalNames.has(node.argument.name)) || this.value(node.argument);
      case "UpdateExpression":
        return node.argument.type === "Identifier" && this.assignable(node.argument.name);
      case "AssignmentExpression":
        return node.left.type === "Identifier" && this.assignable(node.left.name) && this.value(node.right);
      case "BinaryExpression":
      case "LogicalExpression":
        return this.value(node.left) && this.value(node.right);
      case "ConditionalExpression":
        return this.value(node.test) && this.value(node.consequent) && this.value(node.alternate);
      case "SequenceExpression":
        return node.expressions.every((expression: any) => this.value(expression));
      case "ChainExpression":
        return this.value(node.expression);
      case "MemberExpression":
        return this.member(node);
      case "CallExpression": {
        return (this.isGlobal(node.callee, GLOBAL_FUNCTIONS) || this.value(node.callee)) && this.argumentsOf(node);
      }
      case "NewExpression":
        return this.isGlobal(node.callee, DATE) && this.argumentsOf(node);
      default:
        return false;
    }
  }
}

const DATE: ReadonlySet<string> = new Set(["Date"]);
