import { describe, expect, it } from "vitest";
import { readRepository, RepositoryProblems } from "../../src/interop/git/repository.js";
import { MAX_URL_LENGTH } from "../../src/bots/bot-urls.js";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient } from "../support/bots.js";

const NOT_HTTP = ["javascript:alert(1)", "not a url", "ftp://example.com/a", "file:///etc/passwd", "http://", "git@github.com:owner/Repo.git", " "];

describe.each(engines())("a bot's URL fields on %s", (engine) => {
  const t = usePlatform(engine);

  it("takes http(s) URLs in pic_url, csv_url and git_remote, an SSH remote in git_remote, and blanks to clear them", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api, { pic_url: "https://example.com/p.png", csv_url: "http://example.com/a.csv", git_remote: "https://example.com/o/r.git" });
    expect(bot).toMatchObject({ pic_url: "https://example.com/p.png", csv_url: "http://example.com/a.csv", git_remote: "https://example.com/o/r.git" });
    for (const remote of ["git@github.com:owner/Repo.git", "git@github.com:owner/Repo", "ssh://git@github.com/owner/Repo.git"]) {
      const response = await api.put(`/v2/bots/${bot.id}`, { git_remote: remote });
      expect(response.statusCode, remote).toBe(200);
      expect(response.json().git_remote).toBe(remote);
    }
    const cleared = await api.put(`/v2/bots/${bot.id}`, { pic_url: null, csv_url: "", git_remote: null });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toMatchObject({ pic_url: null, git_remote: null });
  });

  it("answers 422 naming each field that is not an http(s) URL, on create and edit, and stores nothing", async () => {
    const { api, user } = await signUpClient(t.app);
    const bot = await createBot(api, { pic_url: "https://example.com/p.png" });
    for (const value of NOT_HTTP) {
      const created = await api.post("/v2/bots", { name: "Bad", pic_url: value, csv_url: value });
      expect(created.statusCode, value).toBe(422);
      expect(created.json(), value).toEqual({ errors: ["Pic url must be an http:// or https:// URL", "Csv url must be an http:// or https:// URL"] });
      const edited = await api.put(`/v2/bots/${bot.id}`, { name: "Renamed", pic_url: value });
      expect(edited.statusCode, value).toBe(422);
      expect(edited.json(), value).toEqual({ errors: ["Pic url must be an http:// or https:// URL"] });
    }
    for (const value of ["javascript:alert(1)", "not a url", "file:///tmp/repo", "http://", " "]) {
      const edited = await api.put(`/v2/bots/${bot.id}`, { git_remote: value });
      expect(edited.statusCode, value).toBe(422);
      expect(edited.json(), value).toEqual({ errors: ["Git remote must be an http:// or https:// URL, or an SSH remote such as git@github.com:owner/Repo.git"] });
    }
    expect(await t.platform.bots.store.countForOwner(user.id)).toBe(1);
    expect((await api.get(`/v2/bots/${bot.id}`)).json()).toMatchObject({ name: "Test bot", pic_url: "https://example.com/p.png", csv_url: null, git_remote: null });
  });

  it("answers 422 to a CSV import from a URL that is not http(s), before any task starts", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    for (const value of ["ftp://example.com/a.csv", "not a url", "javascript:alert(1)"]) {
      const response = await api.post(`/v2/bots/${bot.id}/csv_import`, { csv_url: value });
      expect(response.statusCode, value).toBe(422);
      expect(response.json(), value).toEqual({ errors: [expect.stringMatching(/^CSV url /)] });
    }
    const tasks = await t.platform.database.db.selectFrom("interop_tasks").select("id").where("bot_id", "=", bot.id).execute();
    expect(tasks).toEqual([]);
  });
});

describe("bot.json's csv_url in a repository", () => {
  it("must be an http(s) URL, null or empty", () => {
    const read = (csv_url: unknown) => readRepository(new Map([["bot.json", Buffer.from(JSON.stringify({ bb_sync_version: "1.0", csv_url }))]]));
    expect(read("https://docs.example.com/sheet.csv").descriptor.csv_url).toBe("https://docs.example.com/sheet.csv");
    expect(read(null).descriptor.csv_url).toBeNull();
    expect(read("").descriptor.csv_url).toBeNull();
    // A NUL escaped in the JSON (the parser would keep it in the URL's path, and PostgreSQL cannot store it).
    for (const value of ["javascript:alert(1)", "file:///etc/passwd", "sheet", "https://docs.example.com/\u0000"]) {
      expect(() => read(value), value).toThrow(RepositoryProblems);
      try {
        read(value);
      } catch (error) {
        expect((error as RepositoryProblems).problems).toEqual(["bot.json: csv_url must be an http:// or https:// URL"]);
      }
    }
    // As long as the API takes, no longer.
    const longest = `https://e.com/${"a".repeat(MAX_URL_LENGTH - 14)}`;
    expect(read(longest).descriptor.csv_url).toBe(longest);
    expect(() => read(`${longest}a`)).toThrow(expect.objectContaining({ problems: [`bot.json: csv_url is too long (maximum is ${MAX_URL_LENGTH} characters)`] }));
  });
});
