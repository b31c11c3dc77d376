import { describe, expect, it } from "vitest";
import { Secrets } from "../../src/accounts/secrets.js";
import { Playground } from "../../src/playground/playground.js";
import { FakeClock } from "../support/fake-clock.js";

describe("the playground started again", () => {
  it("numbers a bot's updates past those of the last run, which the bot's inbox remembers and would drop", async () => {
    const clock = new FakeClock();
    const secrets = new Secrets("playground restart");
    const owner = { id: 1, name: "Ada" };
    const firstUpdateId = async () => {
      const playground = await Playground.start({ secrets, clock, telegramApiRoot: "http://127.0.0.1:9" });
      try {
        const token = playground.tokenFor(7);
        const root = (playground.apiRoot as (token: string) => string)(token);
        for (const text of ["/start", "/again"]) playground.sendText(token, owner, text);
        const { result } = (await (await fetch(`${root}/bot${token}/getUpdates`)).json()) as { result: { update_id: number; message: { text: string } }[] };
        expect(result.map((update) => update.message.text)).toEqual(["/start", "/again"]);
        return result.map((update) => update.update_id);
      } finally {
        await playground.close();
      }
    };
    const before = await firstUpdateId();
    clock.advance(1);
    const after = await firstUpdateId();
    expect(after[0]).toBeGreaterThan(before.at(-1)!);
  });
});
