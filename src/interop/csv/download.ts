import { request } from "undici";
import { UnprocessableError } from "../../errors.js";

/** A sheet larger than this is refused: a bot's commands fit in far less. */
export const MAX_CSV_BYTES = 10 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

/**
 * The text at a published sheet's URL (Google answers through a redirect or two). A non-200
 * answer, a body over MAX_CSV_BYTES or an unreachable host is an UnprocessableError.
 */
export async function downloadCsv(url: string): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnprocessableError("CSV url is not a valid URL");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new UnprocessableError("CSV url must be http:// or https://");
  try {
    const response = await request(parsed, { method: "GET", maxRedirections: 5, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
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
    return Buffer.concat(chunks).toString("utf8");
  } catch (error) {
    if (error instanceof UnprocessableError) throw error;
    throw new UnprocessableError(`The CSV url could not be read: ${(error as Error).message}`);
  }
}
