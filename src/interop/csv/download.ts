import { request } from "undici";
import { AppError, UnprocessableError } from "../../errors.js";
import { textFlawAt, utf8Text } from "../../text-flaws.js";
import { Outbound } from "../outbound.js";

/** A sheet larger than this is refused: a bot's commands fit in far less. */
export const MAX_CSV_BYTES = 10 * 1024 * 1024;
/**
 * How long a download may take in all, redirects and body included. A gap between chunks is
 * not enough: a server sending a byte now and then would hold the import (and, from BJS, its
 * job slot) for ever.
 */
export const CSV_DEADLINE_MS = 60_000;
const MAX_REDIRECTS = 5;

/**
 * A downloaded sheet's text, held to what a sheet sent as the request body is: UTF-8 (read
 * leniently, another charset's letters would be stored as U+FFFD), with no NUL character or
 * lone surrogate (which the two engines store differently, or not at all).
 */
function sheetText(bytes: Buffer): string {
  const text = utf8Text(bytes);
  if (text === undefined) throw new UnprocessableError("The CSV url's sheet is not valid UTF-8: save or publish it as UTF-8");
  const flaw = textFlawAt(text, "sheet");
  if (flaw) throw new UnprocessableError(`The CSV url's sheet ${flaw.flaw}`);
  return text;
}

/**
 * The text at a published sheet's URL (Google answers through a redirect or two, each checked
 * like the first URL). A non-200 answer, a body over MAX_CSV_BYTES or not `sheetText`, a
 * private address or an unreachable host, or one that took longer than `deadlineMs` in all, is
 * an UnprocessableError.
 */
export async function downloadCsv(url: string, outbound: Outbound, deadlineMs = CSV_DEADLINE_MS): Promise<string> {
  let target = outbound.check(url, "CSV url");
  const signal = AbortSignal.timeout(deadlineMs);
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await request(target, { method: "GET", dispatcher: outbound.dispatcher, signal });
      const location = response.headers.location;
      if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === "string" && redirects < MAX_REDIRECTS) {
        await response.body.dump();
        target = outbound.check(new URL(location, target).toString(), "CSV url (after a redirect)");
        continue;
      }
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw new UnprocessableError(`The CSV url answered HTTP ${response.statusCode}`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += chunk.length;
        if (size > MAX_CSV_BYTES) {
          response.body.destroy();
          throw new UnprocessableError(`The CSV is larger than ${MAX_CSV_BYTES >> 20} MB`);
        }
        chunks.push(chunk);
      }
      return sheetText(Buffer.concat(chunks));
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (signal.aborted) throw new UnprocessableError(`The CSV url could not be read within ${deadlineMs / 1000} s`);
    throw new UnprocessableError(`The CSV url could not be read: ${Outbound.refusal(error) ?? (error as Error).message}`);
  }
}
