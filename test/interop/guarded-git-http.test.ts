import type { GitHttpRequest, HttpClient } from "isomorphic-git";
import { describe, expect, it } from "vitest";
import { guardedGitHttp } from "../../src/interop/git/guarded-http.js";
import { Outbound } from "../../src/interop/outbound.js";

/** A git server that answers each URL as told, and records what it was asked; it never connects anywhere. */
function fakeServer(answers: Record<string, { status: number; location?: string }>) {
  const asked: GitHttpRequest[] = [];
  const client: HttpClient = {
    async request(call) {
      asked.push(call);
      const answer = answers[call.url] ?? { status: 404 };
      const headers: Record<string, string> = answer.location ? { location: answer.location } : {};
      return { url: call.url, method: call.method, statusCode: answer.status, statusMessage: "", headers, body: (async function* () {})() };
    },
  };
  return { client, asked };
}

describe("git's HTTP client", () => {
  // Public addresses named literally, so no name is resolved; the fake answers for them.
  const repo = "https://93.184.216.34/owner/bot.git/info/refs?service=git-upload-pack";
  const moved = "https://93.184.216.35/owner/renamed.git/info/refs?service=git-upload-pack";

  it("refuses a redirect to a private address, which isomorphic-git's own client followed", async () => {
    const server = fakeServer({ [repo]: { status: 302, location: "http://127.0.0.2:9/owner/bot.git/info/refs?service=git-upload-pack" } });
    const http = guardedGitHttp(new Outbound(false), server.client);
    await expect(http.request({ url: repo, method: "GET", headers: {} })).rejects.toThrow("Repository URL points to a private address, which this server does not reach (its operator may allow such addresses with IMPORT_ALLOW_PRIVATE_URLS)");
    expect(server.asked.map((call) => call.url)).toEqual([repo]);
  });

  it("follows a redirect to a public address, answering the final URL, with credentials only for the first origin", async () => {
    const server = fakeServer({ [repo]: { status: 301, location: moved }, [moved]: { status: 200 } });
    const http = guardedGitHttp(new Outbound(false), server.client);
    const response = await http.request({ url: repo, method: "GET", headers: { Authorization: "Basic c2VjcmV0", "user-agent": "git/isomorphic-git" } });
    expect(response).toMatchObject({ statusCode: 200, url: moved });
    expect(server.asked.map((call) => call.headers)).toEqual([{ Authorization: "Basic c2VjcmV0", "user-agent": "git/isomorphic-git" }, { "user-agent": "git/isomorphic-git" }]);
  });
});
