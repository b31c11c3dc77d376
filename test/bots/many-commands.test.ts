import { describe, expect, it } from "vitest";
import { parseCommandFields } from "../../src/bots/commands.js";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient } from "../support/bots.js";

const COUNT = 1000;

describe.each(engines())("a bot with 1,000 commands on %s", (engine) => {
  const t = usePlatform(engine);

  it("lists them page by page with X-Total-Count and Link, each command once, in id order", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    for (let i = 0; i < COUNT; i++) {
      await t.platform.commands.create(bot.id, parseCommandFields({ command: `/c${i}`, aliases: `alias${i}`, answer: `Answer ${i}` }));
    }
    const seen: number[] = [];
    let url: string | undefined = `/v2/bots/${bot.id}/commands?per_page=50`;
    let pages = 0;
    while (url) {
      const response = await api.get(url);
      expect(response.statusCode).toBe(200);
      expect(response.headers["x-total-count"]).toBe(String(COUNT));
      const page = response.json();
      pages += 1;
      expect(page).toHaveLength(50);
      seen.push(...page.map((command: { id: number }) => command.id));
      expect(page[0].aliases[0].command).toBe(`alias${(pages - 1) * 50}`);
      const link = String(response.headers.link);
      expect(/<([^>]+)>; rel="last"/.exec(link)?.[1]).toBe(`/v2/bots/${bot.id}/commands?per_page=50&page=20`);
      url = /<([^>]+)>; rel="next"/.exec(link)?.[1];
    }
    expect(pages).toBe(20);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(COUNT);
    expect((await api.get(`/v2/bots/${bot.id}/commands?per_page=50&page=21`)).json()).toEqual([]);
    expect((await api.get(`/v2/bots/${bot.id}/commands?per_page=200&page=5`)).json()).toHaveLength(200);
    // However far past the end, a page is []; a page or per_page that is no whole number from 1 is said once.
    for (const page of ["99999999", "9007199254740993", "1".repeat(30)]) expect((await api.get(`/v2/bots/${bot.id}/commands?page=${page}`)).json(), page).toEqual([]);
    for (const [query, error] of [
      ["page=-1", "Page must be a whole number"],
      ["page=1.5", "Page must be a whole number"],
      ["page=1&page=2", "Page must be a whole number"],
      ["page=0", "Page must be greater than or equal to 1"],
      ["per_page=201", "Per page must be less than or equal to 200"],
      ["per_page=9007199254740993", "Per page must be less than or equal to 200"],
    ]) {
      const refused = await api.get(`/v2/bots/${bot.id}/commands?${query}`);
      expect(refused.statusCode, query).toBe(422);
      expect(refused.json(), query).toEqual({ errors: [error] });
    }
    expect((await api.get(`/v2/bots/${bot.id}`)).json().commands_count).toBe(COUNT);
  });
});
