import { lookup as dnsLookup } from "node:dns";
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { AllowList } from "../../src/net/address-guard.js";
import { OutboundHttp, type OutboundHttpOptions } from "../../src/net/outbound-http.js";
import { useLoopbackServer } from "../support/loopback.js";

/** A small web API on 127.0.0.1 with one route per behaviour under test, for a describe block. */
function useWebApi() {
  const hits: string[] = [];
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: string, url: URL) => void> = {
    "/echo": (req, res, body) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
    },
    "/cookies": (_req, res) => {
      res.setHeader("set-cookie", ["session=abc123; Path=/; HttpOnly", "theme=dark"]);
      res.end("ok");
    },
    "/redirect": (_req, res, _body, url) => {
      res.statusCode = Number(url.searchParams.get("status") ?? 302);
      if (url.searchParams.get("cookie")) res.setHeader("set-cookie", "step=1");
      res.setHeader("location", url.searchParams.get("to")!);
      res.end();
    },
    "/loop": (_req, res) => {
      res.statusCode = 302;
      res.setHeader("location", "/loop");
      res.end();
    },
    "/hang": () => {},
    "/huge": (_req, res) => {
      res.setHeader("content-type", "text/plain");
      res.end("x".repeat(5000));
    },
    "/text": (_req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end("<p>Привет</p>");
    },
    "/binary": (_req, res) => {
      res.setHeader("content-type", "image/png");
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]));
    },
    "/missing": (_req, res) => {
      res.statusCode = 404;
      res.setHeader("content-type", "application/json");
      res.end('{"error":"no such thing"}');
    },
    "/broken": (_req, res) => {
      res.statusCode = 503;
      res.end("down");
    },
  };
  const server = useLoopbackServer((req, body, res) => {
    const url = new URL(req.url!, "http://127.0.0.1");
    hits.push(url.pathname);
    routes[url.pathname]!(req, res, body.toString(), url);
  });
  return {
    hits,
    get base() {
      return server.url;
    },
  };
}

/** DNS for the tests: `allowed.test` and `other.test` are this machine, the rest asks the system. */
const testLookup = ((hostname: string, options: object, callback: (...args: unknown[]) => void) => {
  if (hostname.endsWith(".test")) return callback(null, [{ address: "127.0.0.1", family: 4 }]);
  return dnsLookup(hostname, options as never, callback as never);
}) as unknown as typeof dnsLookup;

describe("outbound HTTP for BJS", () => {
  const web = useWebApi();
  const clients: OutboundHttp[] = [];
  // vitest runs afterAll hooks in reverse order: the clients close before the web API does.
  afterAll(() => Promise.all(clients.map((client) => client.close())));

  function client(allow: string[], options: Partial<OutboundHttpOptions> = {}) {
    const made = new OutboundHttp({ allow: new AllowList(allow), lookup: testLookup, ...options });
    clients.push(made);
    return made;
  }

  describe("with the test server allowed", () => {
    const http = () => client(["127.0.0.1"], { timeoutMs: 300, maxBytes: 1000 });

    it.each(["GET", "POST", "PUT", "DELETE", "OPTIONS"] as const)("sends %s with the caller's headers and cookies", async (method) => {
      const outcome = await http().send({ method, url: `${web.base}/echo?q=1`, headers: { "X-Api-Key": "k1" }, cookies: "a=1; b=2" });
      expect(outcome).toMatchObject({ ok: true, status: 200, error: null, contentEncoding: "utf8" });
      expect(outcome.headers["content-type"]).toBe("application/json");
      const echoed = JSON.parse(outcome.content);
      expect(echoed).toMatchObject({ method, headers: { "x-api-key": "k1", cookie: "a=1; b=2" } });
    });

    it("sends an object as JSON, as a form when the content type says so, and a string as it is", async () => {
      const echo = async (body: unknown, headers?: Record<string, string>) => JSON.parse((await http().send({ method: "POST", url: `${web.base}/echo`, body, headers })).content);
      expect(await echo({ name: "Ann", tags: [1, 2] })).toMatchObject({ body: '{"name":"Ann","tags":[1,2]}', headers: { "content-type": "application/json" } });
      expect(await echo({ name: "Ann B", n: 2 }, { "Content-Type": "application/x-www-form-urlencoded" })).toMatchObject({
        body: "name=Ann+B&n=2",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(await echo("<a/>", { "content-type": "text/xml" })).toMatchObject({ body: "<a/>", headers: { "content-type": "text/xml" } });
    });

    it("answers the cookies the server set as a plain object", async () => {
      expect((await http().send({ method: "GET", url: `${web.base}/cookies` })).cookies).toEqual({ session: "abc123", theme: "dark" });
    });

    it("follows redirects when asked, repeating the method and body and carrying cookies, and not otherwise", async () => {
      const to = encodeURIComponent("/echo");
      const followed = await http().send({ method: "POST", url: `${web.base}/redirect?status=303&cookie=1&to=${to}`, body: { a: 1 }, followRedirects: true });
      expect(followed).toMatchObject({ ok: true, status: 200, cookies: { step: "1" } });
      expect(JSON.parse(followed.content)).toMatchObject({ method: "POST", body: '{"a":1}', headers: { cookie: "step=1" } });

      const kept = await http().send({ method: "GET", url: `${web.base}/redirect?to=${to}` });
      expect(kept).toMatchObject({ ok: true, status: 302, error: null, headers: { location: "/echo" } });

      const endless = await http().send({ method: "GET", url: `${web.base}/loop`, followRedirects: true });
      expect(endless).toMatchObject({ ok: false, status: 302, error: "more than 10 redirects" });
    });

    it("keeps credentials from another origin a redirect leads to", async () => {
      const to = encodeURIComponent(`${web.base.replace("127.0.0.1", "allowed.test")}/echo`);
      const outcome = await client(["127.0.0.1", "allowed.test"]).send({ method: "GET", url: `${web.base}/redirect?to=${to}`, headers: { Authorization: "Bearer s", "X-Trace": "t" }, cookies: "a=1", followRedirects: true });
      const headers = JSON.parse(outcome.content).headers;
      expect(headers).toMatchObject({ "x-trace": "t" });
      expect(headers.authorization).toBeUndefined();
      expect(headers.cookie).toBeUndefined();
    });

    it("gives up on a server that does not answer in time", async () => {
      const outcome = await http().send({ method: "GET", url: `${web.base}/hang` });
      expect(outcome).toMatchObject({ ok: false, status: null, error: "no answer within 0.3 s" });
    });

    it("refuses an answer over the size cap", async () => {
      expect(await http().send({ method: "GET", url: `${web.base}/huge` })).toMatchObject({ ok: false, error: "the answer is larger than 1000 bytes", content: "" });
    });

    it("gives text as text and anything else in base64", async () => {
      expect(await http().send({ method: "GET", url: `${web.base}/text` })).toMatchObject({ ok: true, content: "<p>Привет</p>", contentEncoding: "utf8" });
      const binary = await http().send({ method: "GET", url: `${web.base}/binary` });
      expect(binary).toMatchObject({ ok: true, contentEncoding: "base64" });
      expect([...Buffer.from(binary.content, "base64")]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    });

    it("answers 4xx and 5xx with their status and body, not ok", async () => {
      expect(await http().send({ method: "GET", url: `${web.base}/missing` })).toMatchObject({ ok: false, status: 404, content: '{"error":"no such thing"}', error: null });
      expect(await http().send({ method: "GET", url: `${web.base}/broken` })).toMatchObject({ ok: false, status: 503, content: "down", error: null });
    });

    it("refuses what is not an absolute http(s) URL", async () => {
      expect((await http().send({ method: "GET", url: "/echo" })).error).toBe("'/echo' is not an absolute URL");
      expect((await http().send({ method: "GET", url: "file:///etc/passwd" })).error).toBe("file: URLs are not supported");
    });
  });

  describe("without the allow setting", () => {
    const port = () => new URL(web.base).port;

    it.each([
      ["127.0.0.1", () => `${web.base}/echo`, "refused: 127.0.0.1 is a loopback address"],
      ["a loopback alias", () => `http://127.0.0.2:${port()}/echo`, "refused: 127.0.0.2 is a loopback address"],
      ["IPv6 loopback", () => `http://[::1]:${port()}/echo`, "refused: ::1 is a loopback address"],
      ["an IPv4-mapped loopback", () => `http://[::ffff:127.0.0.1]:${port()}/echo`, "refused: ::ffff:7f00:1 is a loopback address"],
      ["localhost", () => `http://localhost:${port()}/echo`, "refused: localhost resolves to a loopback address"],
      ["a name that resolves to loopback", () => `http://other.test:${port()}/echo`, "refused: other.test resolves to a loopback address"],
    ])("refuses %s before any byte is sent", async (_, url, error) => {
      const before = web.hits.length;
      const outcome = await client([]).send({ method: "GET", url: url() });
      expect(outcome).toMatchObject({ ok: false, status: null });
      expect(outcome.error).toMatch(error);
      expect(web.hits.length).toBe(before);
    });

    it("refuses a redirect to loopback from a host the setting allows", async () => {
      const allowed = client(["allowed.test"]);
      const start = `http://allowed.test:${port()}/redirect?to=`;
      expect(await allowed.send({ method: "GET", url: `${start}/echo`, followRedirects: true })).toMatchObject({ ok: true, status: 200 });
      for (const [target, error] of [
        [`${web.base}/echo`, "refused: 127.0.0.1 is a loopback address"],
        [`http://localhost:${port()}/echo`, /^refused: localhost resolves to/],
      ] as const) {
        const before = web.hits.filter((hit) => hit === "/echo").length;
        const outcome = await allowed.send({ method: "GET", url: `${start}${encodeURIComponent(target)}`, followRedirects: true });
        expect(outcome.error).toMatch(error);
        expect(web.hits.filter((hit) => hit === "/echo").length).toBe(before);
      }
    });
  });
});
