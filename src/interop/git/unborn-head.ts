import type { HttpClient } from "isomorphic-git";

/** pkt-line framing: 4 hex digits of length (the 4 included), then the payload; `0000` flushes. */
function pktLine(payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, "0")), payload]);
}

/**
 * The ref advertisement with `symref=HEAD:refs/heads/<branch>` among its capabilities when
 * the remote names none. A remote advertises no HEAD when its HEAD names a branch with no
 * commit (`git init --bare` points it at master, then a push to main), and isomorphic-git's
 * fetch then looks HEAD up among the refs to guess a default branch, and fails, although the
 * branch asked for is there. Anything it cannot read is left as it came.
 */
export function withHeadNamed(advertisement: Buffer, branch: string): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < advertisement.length; ) {
    const length = Number.parseInt(advertisement.subarray(at, at + 4).toString("latin1"), 16);
    if (!(length === 0 || length >= 4) || at + Math.max(length, 4) > advertisement.length) return advertisement;
    if (length === 0) {
      parts.push(advertisement.subarray(at, at + 4));
      at += 4;
      continue;
    }
    const payload = advertisement.subarray(at + 4, at + length);
    at += length;
    const nul = payload.indexOf(0);
    if (nul < 0) {
      parts.push(pktLine(payload));
      continue;
    }
    const capabilities = payload.subarray(nul + 1).toString("utf8").replace(/\n$/, "");
    if (capabilities.split(" ").some((capability) => capability.startsWith("symref=HEAD:"))) return advertisement;
    parts.push(pktLine(Buffer.concat([payload.subarray(0, nul + 1), Buffer.from(`${capabilities} symref=HEAD:refs/heads/${branch}\n`)])));
    parts.push(advertisement.subarray(at));
    return Buffer.concat(parts);
  }
  return advertisement;
}

/** A client whose upload-pack ref advertisements name a HEAD (withHeadNamed), for a fetch of a named branch. */
export function headNaming(inner: HttpClient, branch: string): HttpClient {
  return {
    async request(call) {
      const response = await inner.request(call);
      if (call.method !== "GET" || !/\/info\/refs\?service=git-upload-pack$/.test(call.url) || response.statusCode !== 200 || !response.body) return response;
      const chunks: Uint8Array[] = [];
      for await (const chunk of response.body) chunks.push(chunk);
      const body = withHeadNamed(Buffer.concat(chunks), branch);
      return { ...response, body: (async function* () { yield body; })() };
    },
  };
}
