import { describe, expect, it } from "vitest";
import { reachOf } from "../../src/runtime/sandbox/inert-body.js";
import { realmGlobalNames } from "../support/realm-names.js";

const names = realmGlobalNames();
const reach = (code: string) => reachOf(code, names);
const inert = (code: string) => reach(code) !== "anything";

describe("inert bodies (the realm's built-ins need no comparison after them)", () => {
  it("takes for inert the bodies most commands are made of", () => {
    const bodies = [
      'var n = User.getProp("n", 0) + 1;\nUser.setProp("n", n, "integer");\nBot.sendMessage("hi " + params, {parse_mode: null});',
      'balance = User.getProperty("balance"); if (!balance) { balance = 0 }\nBot.sendMessage("Balance: " + balance.toFixed(2) + " at " + new Date().toISOString())',
      'var parts = params.split(" "); var amount = parseInt(parts[1], 10);\nif (isNaN(amount)) { Bot.sendMessage("Send a number"); return }\nBot.sendKeyboard("Yes,No", `Pay ${Math.round(amount * 1.5)}?`)',
      'var list = []; for (var i = 0; i < 3; i++) { list.push({ text: "Item " + i }) }\nfor (var key in user) { list.push(key) }\nswitch (message) { case "/a": Bot.runCommand("/b"); break; default: Bot.sendMessage(JSON.stringify({ list: list, at: Date.now() })) }',
      'try { var data2 = JSON.parse(options.raw) } catch (e) { Bot.sendMessage("bad: " + e.message) } finally { Api.answerCallbackQuery({ callback_query_id: request.id }) }',
      '"use strict";\nvar name = user ? user.first_name : "there"; label: while (true) { break label }\nHTTP.get({ url: "https://example.com/?q=" + encodeURIComponent(name), success: "/done" })',
      "var copy = { ...user, tags: [...[1, 2]], __proto__: null }; var sorted = [3, 1].sort(); var joined = [].concat.call([], sorted).join(); typeof undefinedThing",
    ];
    for (const body of bodies) expect(inert(body), body).toBe(true);
  });

  it("refuses every body that could reach a built-in, run code of its own, or name what it must not", () => {
    const refused = {
      "assigns a property": "Array.prototype.evil = 1",
      "assigns a data property": "user.first_name = 'x'",
      "updates a property": "var o = {a: 1}; o.a++",
      "deletes": "delete user.first_name",
      "reads a prototype": "var p = [].__proto__",
      "reads a constructor": "var C = ''.constructor",
      "reads a prototype by a literal key": "var p = [][\"__proto__\"]",
      "reads by a computed key": 'var k = "constructor"; var C = user[k]',
      "names a built-in": "var R = RegExp",
      "calls what it may not": "Object.assign(user, {a: 1})",
      "asks a namespace for itself": "var m = Math.valueOf()",
      "uses a namespace member not listed": "var f = JSON.rawJSON",
      "defines a function": "function f() {} f()",
      "defines an arrow function": "[1].map((x) => x)",
      "defines a getter": "var o = { get a() { return 1 } }",
      "defines a method": "var o = { a() { return 1 } }",
      "defines a class": "class A {}",
      "uses this": "this.x = 1",
      "uses arguments": "var c = arguments.length",
      "assigns arguments, to read it": "var a = arguments; arguments = 0",
      "loads a core library by asking its type": "Bot.sendMessage(typeof CryptoJS)",
      "names a namespace the realm does not have": "Chat.leave()",
      "evaluates text": 'eval("1")',
      "reaches a library": 'Libs.ResourcesLib.userRes("coins")',
      "shadows a global": "var Array = []",
      "shadows a global in a block": "{ let Map = 1 }",
      "assigns a global of the realm": "escape = 1",
      "reads an inherited global": "var c = constructor",
      "builds what is not a Date": "var m = new Map()",
      "tags a template": "String.raw`x`",
      "destructures": "var { first_name } = user",
      "uses with": "with (user) { first_name }",
      "reads an unknown global": "var x = somethingUndefined",
      "does not parse": "var = ;",
      "closes the function it is compiled into": "}); Array.prototype.x = 1; (function () {",
      "nests deeper than is worth walking": `x = ${"[".repeat(5000)}${"]".repeat(5000)}`,
      "is longer than is worth telling": 'Bot.sendMessage("hi");\n'.repeat(2000),
    };
    for (const [why, body] of Object.entries(refused)) expect(inert(body), why).toBe(false);
  });

  it("tells the bodies that assign global names of their own, which the realm's half of the guard still compares", () => {
    expect(reach('var n = 1; n++; params = "x"; Bot.sendMessage(params + n)')).toBe("nothing");
    expect(reach('balance = 1; Bot.sendMessage(String(balance))')).toBe("own globals");
    expect(reach("for (key in user) {}")).toBe("own globals");
    // Past its block, a `let`'s name is a global.
    expect(reach("{ let count = 1 } count = 2")).toBe("own globals");
    expect(reach("{ let count = 1; count++ }")).toBe("own globals");
  });

  it("reads the source as V8 does: an HTML-like comment hides the rest of its line", () => {
    expect(inert("x = 1 <!-- Array.prototype.evil = 1\nBot.sendMessage(String(x))")).toBe(true);
    expect(inert("x = 1\n--> Array.prototype.evil = 1\nBot.sendMessage(String(x))")).toBe(true);
    expect(inert("x = 1; --> Array.prototype.evil = 1")).toBe(false);
  });
});
