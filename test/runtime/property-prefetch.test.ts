import { describe, expect, it } from "vitest";
import type { Invocation } from "../../src/runtime/invocation.js";
import { PropertyPrefetch } from "../../src/runtime/property-prefetch.js";
import { createBot, signUpClient } from "../support/bots.js";
import { engines, usePlatform } from "../support/platform.js";

describe.each(engines())("property reads answered before an execution, on %s", (engine) => {
  const t = usePlatform(engine);

  async function scene() {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const { row: user } = await t.platform.botUsers.remember(bot.id, { id: 777, is_bot: false, first_name: "Ann" });
    await t.platform.properties.set(bot.id, "user", "coins", 12, { userId: user.id });
    await t.platform.properties.set(bot.id, "bot", "price", { amount: 3 }, { type: "json" });
    const invocation = (withUser: boolean) => ({ bot: { row: { id: bot.id } }, user: withUser ? { row: user } : null }) as unknown as Invocation;
    return { invocation, prefetch: new PropertyPrefetch(t.platform.properties) };
  }

  it("reads the names written as literals, in every segment, with their stored types", async () => {
    const { invocation, prefetch } = await scene();
    const reads = await prefetch.load(invocation(true), [
      { name: "@", code: "var price = Bot.getProperty('price');" },
      { name: "/buy", code: 'var c = User.getProp( "coins" , 0);\nvar gone = User.getProperty("never set");\nvar again = User.getProp("coins");' },
    ]);
    expect(reads).toEqual([
      { scope: "bot", name: "price", found: true, value: { amount: 3 }, type: "json" },
      { scope: "user", name: "coins", found: true, value: 12, type: "integer" },
      { scope: "user", name: "never set", found: false },
    ]);
  });

  it("leaves computed names, other objects and user reads without a user to the host", async () => {
    const { invocation, prefetch } = await scene();
    const code = 'User.getProp(name); User.getProp("a" + b); Other.getProp("x"); User.getProp(`coins`); MyUser.getProp("y"); User.getProp("coins")';
    expect(await prefetch.load(invocation(true), [{ name: "/c", code }])).toEqual([{ scope: "user", name: "coins", found: true, value: 12, type: "integer" }]);
    expect(await prefetch.load(invocation(false), [{ name: "/c", code }])).toEqual([]);
  });

  it("answers at most 16 reads per execution", async () => {
    const { invocation, prefetch } = await scene();
    const code = Array.from({ length: 30 }, (_, i) => `Bot.getProp("p${i}");`).join("\n");
    const reads = await prefetch.load(invocation(true), [{ name: "/many", code }]);
    expect(reads.map((read) => read.name)).toEqual(Array.from({ length: 16 }, (_, i) => `p${i}`));
  });
});
