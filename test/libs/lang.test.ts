import { describe, expect, it } from "vitest";
import { engines } from "../support/platform.js";
import { useLibraryBots } from "../support/libraries.js";

describe.each(engines())("Lang on %s", (engine) => {
  const { libraryBot } = useLibraryBots(engine);

  it("setup, t with fallback to the default language, user and default languages, get, aliases", async () => {
    const b = await libraryBot({
      install: ["Lang"],
      commands: [
        {
          command: "/setup",
          bjs_code: `Libs.Lang.setup("en", {hello: "Hello", menu: {shop: "Shop"}, only_en: "English only", aliases: {"Balance, 💰 money": "/balance"}});
            Libs.Lang.setup("de", {hello: "Hallo", menu: {shop: "Laden"}, only_en: ""});`,
        },
        { command: "/hi", bjs_code: 'Bot.sendMessage([Libs.Lang.t("hello"), Libs.Lang.t("menu.shop"), Libs.Lang.t("only_en"), Libs.Lang.t("hello", "en"), Libs.Lang.user.getCurLang()].join("|"))' },
        { command: "/de", bjs_code: 'Libs.Lang.user.setLang("de")' },
        { command: "/alias", bjs_code: 'Bot.sendMessage(String(Libs.Lang.getCommandByAlias(params, "en")))' },
        { command: "/get", bjs_code: "Bot.sendMessage(Libs.Lang.get().hello + Libs.Lang.default.getCurLang() + Libs.Lang.default.getLang() + Libs.Lang.user.getLang())" },
        { command: "/fr", bjs_code: 'Libs.Lang.get("fr")' },
        { command: "/default", bjs_code: 'Libs.Lang.default.setLang("de")' },
      ],
    });
    await b.say("/setup");
    expect(await b.say("/hi")).toEqual(["Hello|Shop|English only|Hello|en"]);
    await b.say("/de");
    // A missing or empty translation falls back to the default language.
    expect(await b.say("/hi")).toEqual(["Hallo|Laden|English only|Hello|de"]);
    expect(await b.say("/alias 💰 MONEY")).toEqual(["/balance"]);
    expect(await b.say("/alias nothing")).toEqual(["undefined"]);
    expect(await b.say("/get")).toEqual(["Halloenende"]);
    await b.say("/fr");
    expect((await b.errors())[0]).toMatchObject({ message: "Lang: the language fr is not set up (call Libs.Lang.setup first)", segment: "lib:Lang" });
    // Another user starts in the default language, which the bot can change.
    const bob = await b.member({ first_name: "Bob" });
    expect((await bob.say("/hi"))[0]).toMatch(/^Hello\|/);
    await b.say("/default");
    expect((await bob.say("/hi"))[0]).toBe("Hallo|Laden||Hello|de");
  });
});
