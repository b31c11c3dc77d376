import type { IncomingMessage } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { postJson, PostTimeoutError } from "../../src/telegram/post-json.js";
import { freePort, serveOnLoopback, type LoopbackServer } from "../support/net.js";

let server: LoopbackServer | undefined;

/** A server answering every request with `answer`; answers its URL. */
async function serve(answer: (request: IncomingMessage, body: string) => { status: number; body: string } | "hang"): Promise<URL> {
  server = await serveOnLoopback((request, body, response) => {
    const reply = answer(request, body.toString());
    if (reply === "hang") return;
    response.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body);
  });
  return new URL(`${server.url}/bot1:abc/sendMessage`);
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("postJson", () => {
  it("sends the JSON body with its headers and answers the status and the text", async () => {
    const url = await serve((request, body) => ({ status: 201, body: JSON.stringify({ body, type: request.headers["content-type"], secret: request.headers["x-secret"] }) }));
    const answer = await postJson(url, '{"text":"héllo"}', { headers: { "x-secret": "s3" }, timeoutMs: 5000 });
    expect(answer.status).toBe(201);
    expect(answer.statusText).toBe("Created");
    expect(JSON.parse(answer.body)).toEqual({ body: '{"text":"héllo"}', type: "application/json", secret: "s3" });
  });

  it("keeps connections alive for calls in a row", async () => {
    const ports = new Set<number>();
    const url = await serve((request) => (ports.add(request.socket.remotePort!), { status: 200, body: "{}" }));
    for (let i = 0; i < 10; i++) await postJson(url, "{}", { timeoutMs: 5000 });
    expect(ports.size).toBeLessThanOrEqual(2);
  });

  it("gives up with a TimeoutError when the answer takes longer than timeoutMs", async () => {
    const url = await serve(() => "hang");
    await expect(postJson(url, "{}", { timeoutMs: 1 })).rejects.toBeInstanceOf(PostTimeoutError);
  });

  it("is cut short by its signal", async () => {
    const url = await serve(() => "hang");
    const abort = new AbortController();
    const call = postJson(url, "{}", { timeoutMs: 60_000, signal: abort.signal });
    abort.abort(new Error("stopping"));
    await expect(call).rejects.toThrow("stopping");
    await expect(postJson(url, "{}", { timeoutMs: 60_000, signal: abort.signal })).rejects.toThrow("stopping");
  });

  it("rejects with the socket's code when nobody listens", async () => {
    const url = new URL(`http://127.0.0.1:${await freePort()}/`);
    await expect(postJson(url, "{}", { timeoutMs: 5000 })).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
