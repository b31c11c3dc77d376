import { describe, expect, it } from "vitest";
import { readRepository } from "../../src/interop/git/repository.js";

const command = (name: string, code: string) => `/*CMD\n  command: ${name}\nCMD*/\n\n${code}\n`;

describe("a repository's libraries", () => {
  it("installs a store library the code uses that libs/ left out, but not a core one (CryptoJS included), a misspelt one or one already there", () => {
    const { content, notes } = readRepository(
      new Map([
        ["bot.json", JSON.stringify({ bb_sync_version: "1.0", name: "AnyBot" })],
        ["commands/_daily.js", command("/daily", 'Libs.CooldownLib.user.watch({name: "d", time: 60, onWaiting: function(){}}); Libs["DateTimeFormat"].format(new Date(), "yyyy")')],
        ["commands/_coins.js", command("/coins", 'Libs.ResourcesLib.userRes("coins").add(1); Libs.commonLib.getNameFor(user); Libs.lang.t("x")')],
        ["commands/_hi.js", command("/hi", 'Bot.sendMessage(Libs.Lang.t("hi"))')],
        // Built into Bots.Business, so exports never list it; core here too: nothing to install.
        ["commands/_sign.js", command("/sign", 'Bot.sendMessage(CryptoJS.HmacSHA256(params, "k").toString())')],
        ["libs/Lang.js", "publish({ t: function (key) { return key; } });"],
        ["libs/Tools.js", "publish({ pick: function () { return Libs.Random.randomInt(1, 2); } });"],
      ]),
    );
    expect(content.libs).toEqual([
      { name: "Lang", source: "publish({ t: function (key) { return key; } });" },
      { name: "Tools", source: "publish({ pick: function () { return Libs.Random.randomInt(1, 2); } });" },
      { name: "CooldownLib", source: null },
      { name: "DateTimeFormat", source: null },
      { name: "Random", source: null },
    ]);
    expect(notes).toEqual([
      "libs/CooldownLib.js: not in the repository, but the code uses Libs.CooldownLib: the store's CooldownLib is installed",
      "libs/DateTimeFormat.js: not in the repository, but the code uses Libs.DateTimeFormat: the store's DateTimeFormat is installed",
      "libs/Random.js: not in the repository, but the code uses Libs.Random: the store's Random is installed",
    ]);
  });
});

describe("a repository's copy of a core library", () => {
  it("that publishes nothing (crypto-js vendored as is) is replaced by the platform's, with a note", () => {
    const vendored = "var CryptoJS = CryptoJS || (function (Math) { return { SHA256: function () {} } })(Math);";
    const read = readRepository(new Map([["bot.json", "{}"], ["libs/CryptoJS.js", vendored], ["libs/Random.js", "var x = 1;"], ["commands/a.js", "CryptoJS.SHA256('x')"]]));
    expect(read.content.libs).toEqual([
      { name: "CryptoJS", source: null },
      { name: "Random", source: "var x = 1;" },
    ]);
    expect(read.notes).toEqual(["libs/CryptoJS.js: publishes nothing, a copy of CryptoJS as is: the platform's CryptoJS is used"]);
  });
});

describe("two files of one store library", () => {
  it("keeps the first (ResourcesLib.js before resourceslib.js, commonLib.js after CommonLib.js) and notes the other as skipped", () => {
    const { content, notes } = readRepository(
      new Map([
        ["bot.json", "{}"],
        ["libs/resourceslib.js", "publish({ b: 2 });"],
        ["libs/ResourcesLib.js", "publish({ a: 1 });"],
        ["libs/commonLib.js", "publish({ d: 4 });"],
        ["libs/CommonLib.js", "publish({ c: 3 });"],
      ]),
    );
    expect(content.libs).toEqual([
      { name: "CommonLib", source: "publish({ c: 3 });" },
      { name: "ResourcesLib", source: "publish({ a: 1 });" },
    ]);
    expect(notes).toEqual(["libs/commonLib.js: skipped, library CommonLib is already in libs/CommonLib.js", "libs/resourceslib.js: skipped, library ResourcesLib is already in libs/ResourcesLib.js"]);
  });
});
