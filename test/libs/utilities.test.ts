import { describe, expect, it } from "vitest";
import { useLibraryBots } from "../support/libraries.js";

// These libraries keep nothing: one engine is enough.
describe.each(["sqlite"] as const)("Random, DateTimeFormat and CommonLib on %s", (engine) => {
  const { libraryBot } = useLibraryBots(engine);

  it("Random: randomInt within its bounds, randomFloat, sendMessage, and the zero-boundary quirk", async () => {
    const b = await libraryBot({
      install: ["Random"],
      commands: [
        { command: "/ints", bjs_code: 'let seen = {}; for (let i = 0; i < 300; i++) seen[Libs.Random.randomInt(1, 3)] = true; Bot.sendMessage(Object.keys(seen).sort().join(","))' },
        { command: "/float", bjs_code: 'let f = Libs.Random.randomFloat(1.5, 2); Bot.sendMessage(String(f >= 1.5 && f < 2))' },
        { command: "/pick", bjs_code: 'Libs.Random.sendMessage(["heads", "tails"])' },
        { command: "/zero", bjs_code: "Libs.Random.randomInt(0, 5)" },
      ],
    });
    expect(await b.say("/ints")).toEqual(["1,2,3"]);
    expect(await b.say("/float")).toEqual(["true"]);
    expect(["heads", "tails"]).toContain((await b.say("/pick"))[0]);
    await b.say("/zero");
    expect((await b.errors())[0]).toMatchObject({ message: "Random: min must not be 0 or empty", segment: "lib:Random" });
  });

  it("DateTimeFormat: masks, named masks, UTC:, literals, ordinal suffixes, invalid dates", async () => {
    const b = await libraryBot({
      install: ["DateTimeFormat"],
      commands: [
        {
          command: "/fmt",
          bjs_code: `let d = new Date(Date.UTC(2024, 0, 2, 14, 7, 9, 45)); let f = Libs.DateTimeFormat.format;
            Bot.sendMessage([f(d, "UTC:yyyy-mm-dd HH:MM:ss.l"), f(d, "UTC:dddd, mmmm dS, yy h:MM TT"), f(d, "isoUtcDateTime"), f(d, "UTC:d/m 'at' H 'o''clock'"), f(d, "mm", true), f(d, "UTC:ddd mmm t tt T")].join(" | "), {parse_mode: null})`,
        },
        { command: "/bad", bjs_code: 'Libs.DateTimeFormat.format("not a date", "yyyy")' },
      ],
    });
    expect(await b.say("/fmt")).toEqual(["2024-01-02 14:07:09.045 | Tuesday, January 2nd, 24 2:07 PM | 2024-01-02T14:07:09Z | 2/1 at 14 oclock | 01 | Tue Jan p pm P"]);
    await b.say("/bad");
    expect((await b.errors())[0]!.message).toBe("DateTimeFormat: invalid date");
  });

  it("CommonLib: names and mention links of users", async () => {
    const b = await libraryBot(
      { commands: [{ command: "/who", bjs_code: 'Bot.sendMessage([CommonLib.getNameFor(user), Libs.commonLib.getLinkFor(user), CommonLib.getNameFor({first_name: "", last_name: "Last"}), CommonLib.getNameFor({})].join("|"), {parse_mode: null})' }] },
      { first_name: "Ada", username: "ada_l" },
    );
    expect(await b.say("/who")).toEqual([`@ada_l|[@ada_l](tg://user?id=${b.user.id})|Last|`]);
  });
});
