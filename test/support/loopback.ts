import { afterAll, beforeAll } from "vitest";
import { serveOnLoopback, type LoopbackHandler, type LoopbackServer } from "./net.js";

// Apart from net.ts, which the benches import: this one loads vitest.

/** serveOnLoopback for a describe block: it starts in beforeAll and closes in afterAll; `url` is there from its beforeAll on. */
export function useLoopbackServer(handle: LoopbackHandler): { readonly url: string } {
  let running: LoopbackServer | undefined;
  beforeAll(async () => {
    running = await serveOnLoopback(handle);
  });
  afterAll(() => running?.close());
  return {
    get url() {
      if (!running) throw new Error("the loopback server starts in beforeAll: read its url in a hook or a test");
      return running.url;
    },
  };
}
