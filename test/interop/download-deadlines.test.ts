import type { HttpClient } from "isomorphic-git";
import { describe, expect, it } from "vitest";
import { downloadCsv } from "../../src/interop/csv/download.js";
import { guardedGitHttp } from "../../src/interop/git/guarded-http.js";
import { Outbound } from "../../src/interop/outbound.js";
import { useLoopbackServer } from "../support/loopback.js";

// A remote that sends its headers, then a byte now and then: no gap between chunks is long,
// so only a deadline on the whole download ends it.
describe("a download from a remote that trickles", () => {
  const trickling = useLoopbackServer((_request, _body, response) => {
    response.writeHead(200, { "content-type": "text/csv" });
    const timer = setInterval(() => response.write("x"), 20);
    response.on("close", () => clearInterval(timer));
  });

  it("ends a CSV download at its deadline, whatever the gaps between chunks", async () => {
    const started = performance.now();
    await expect(downloadCsv(`${trickling.url}/sheet.csv`, new Outbound(true), 300)).rejects.toThrow("The CSV url could not be read within 0.3 s");
    // Well before a test's own timeout: the download was cut, not left to run.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("ends a git request whose remote never answers, or whose body never ends, at its deadline", async () => {
    const url = "https://93.184.216.34/owner/bot.git/info/refs?service=git-upload-pack";
    const silent: HttpClient = { request: () => new Promise(() => {}) };
    await expect(guardedGitHttp(new Outbound(false), silent, 100).request({ url, method: "GET", headers: {} })).rejects.toThrow("the remote took too long to answer");

    let closed = false;
    const endless: HttpClient = {
      async request(call) {
        const body = (async function* () {
          try {
            for (;;) yield await new Promise<Uint8Array>((chunk) => setTimeout(() => chunk(new Uint8Array([1])), 10));
          } finally {
            closed = true;
          }
        })();
        return { url: call.url, method: call.method, statusCode: 200, statusMessage: "OK", headers: {}, body };
      },
    };
    const response = await guardedGitHttp(new Outbound(false), endless, 100).request({ url, method: "GET", headers: {} });
    const read = async () => {
      for await (const _chunk of response.body!);
    };
    await expect(read()).rejects.toThrow("the remote took too long to answer");
    await expect.poll(() => closed).toBe(true);
  });
});

describe("a git response larger than a bot's repository", () => {
  it("is ended once it carries more than a repository of a bot may, and closed", async () => {
    const url = "https://93.184.216.34/owner/bot.git/git-upload-pack";
    let closed = false;
    const endless: HttpClient = {
      async request(call) {
        const body = (async function* () {
          try {
            for (;;) yield new Uint8Array(64 << 10);
          } finally {
            closed = true;
          }
        })();
        return { url: call.url, method: call.method, statusCode: 200, statusMessage: "OK", headers: {}, body };
      },
    };
    const response = await guardedGitHttp(new Outbound(false), endless, 60_000, 1 << 20).request({ url, method: "POST", headers: {} });
    let received = 0;
    const read = async () => {
      for await (const chunk of response.body!) received += chunk.byteLength;
    };
    await expect(read()).rejects.toThrow("The repository sent over 1 MB: it is too large for a bot");
    expect(received).toBe(1 << 20);
    await expect.poll(() => closed).toBe(true);
  });
});
