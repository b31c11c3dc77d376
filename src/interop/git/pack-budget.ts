import { inflateSync } from "node:zlib";
import { UnprocessableError } from "../../errors.js";

/** Pack object types (git's pack-format): the two deltas name their base by offset or by id. */
const OFS_DELTA = 6;
const REF_DELTA = 7;

const tooLarge = (maxBytes: number) => new UnprocessableError(`The repository is too large for a bot (its files unpack to over ${maxBytes >> 20} MB)`);
const malformed = () => new UnprocessableError("The repository sent a malformed pack");

/** A little-endian base-128 number of a delta's header, and where it ends. */
function deltaSize(data: Uint8Array, at: number): { size: number; next: number } {
  let size = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = data[at++];
    if (byte === undefined || shift > 49) throw malformed();
    size += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return { size, next: at };
  }
}

/**
 * Refuses a pack whose objects unpack to more than `maxBytes` in all, reading each object's
 * stated size and inflating it at most that far, one at a time, before isomorphic-git indexes
 * the pack: it inflates every object into memory on the platform's thread, and a pack of 1 MB
 * of zeros unpacks to gigabytes. A delta counts the size it rebuilds (from its own header), so
 * copies of a small base cannot pass for small.
 */
export function checkPackBudget(pack: Uint8Array, maxBytes: number): void {
  if (pack.length < 12 || String.fromCharCode(...pack.subarray(0, 4)) !== "PACK") throw malformed();
  const view = new DataView(pack.buffer, pack.byteOffset, pack.byteLength);
  const count = view.getUint32(8);
  let left = maxBytes;
  let at = 12;
  for (let object = 0; object < count; object++) {
    let byte = pack[at++];
    if (byte === undefined) throw malformed();
    const type = (byte >> 4) & 7;
    let size = byte & 0x0f;
    for (let shift = 4; byte & 0x80; shift += 7) {
      byte = pack[at++];
      if (byte === undefined || shift > 49) throw malformed();
      size += (byte & 0x7f) * 2 ** shift;
    }
    if (type === OFS_DELTA) while ((pack[at++] ?? 0) & 0x80);
    if (type === REF_DELTA) at += 20;
    if (size > left) throw tooLarge(maxBytes);
    let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      // A stated size is checked, not trusted: inflating stops there.
      inflated = inflateSync(pack.subarray(at), { info: true, maxOutputLength: Math.max(1, size) }) as unknown as typeof inflated;
    } catch {
      throw malformed();
    }
    if (inflated.buffer.length !== size) throw malformed();
    at += inflated.engine.bytesWritten;
    if (type === OFS_DELTA || type === REF_DELTA) {
      const rebuilt = deltaSize(inflated.buffer, deltaSize(inflated.buffer, 0).next).size;
      if (rebuilt > left) throw tooLarge(maxBytes);
      left -= rebuilt;
    } else {
      left -= size;
    }
  }
}
