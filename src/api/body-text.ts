import type { FastifyRequest } from "fastify";
import { BadRequestError, UnsupportedMediaTypeError } from "../errors.js";
import { utf8Text } from "../text-flaws.js";

type Done = (error: Error | null, body?: unknown) => void;

/**
 * The text of a request body the API reads (JSON, a CSV sheet): UTF-8 only, as sent. Decoded
 * leniently, a body in another charset, or with broken bytes, would be stored with U+FFFD in
 * place of what the client meant (two names then colliding as one), and a compressed body
 * would be read as text.
 */
function bodyText(request: FastifyRequest, raw: Buffer): string {
  const encoding = request.headers["content-encoding"]?.trim().toLowerCase();
  if (encoding && encoding !== "identity") {
    throw new UnsupportedMediaTypeError(`Content-Encoding '${encoding.slice(0, 40)}' is not supported; send the body uncompressed`);
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers["content-type"] ?? "")?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    throw new UnsupportedMediaTypeError(`Charset '${charset.slice(0, 40)}' is not supported; send the body in UTF-8`);
  }
  const text = utf8Text(raw);
  if (text === undefined) throw new BadRequestError("Request body is not valid UTF-8");
  return text;
}

/** A content-type parser (`parseAs: "buffer"`) that hands `parse` the body's text, or answers why it has none. */
export function textBody(parse: (request: FastifyRequest, text: string, done: Done) => void): (request: FastifyRequest, raw: string | Buffer, done: Done) => void {
  return (request, raw, done) => {
    let text: string;
    try {
      text = bodyText(request, raw as Buffer);
    } catch (error) {
      return done(error as Error);
    }
    parse(request, text, done);
  };
}
