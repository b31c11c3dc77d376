import { badRequest } from "./errors.js";

/** A file sent as a multipart part. */
export interface Upload {
  filename: string;
  contentType: string;
  data: Buffer;
}

/**
 * The parameters of one Bot API call, however they came (JSON, form, multipart, query):
 * form values are strings and objects arrive JSON-encoded, so readers convert as Telegram does.
 */
export class Params {
  constructor(
    private readonly values: Record<string, unknown>,
    private readonly uploads: ReadonlyMap<string, Upload> = new Map(),
  ) {}

  /** All values, for answering a webhook with a method call. */
  get raw(): Record<string, unknown> {
    return this.values;
  }

  has(name: string): boolean {
    return this.values[name] !== undefined && this.values[name] !== null;
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    if (value === undefined || value === null) return undefined;
    return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  }

  integer(name: string): number | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === "") return undefined;
    const number = typeof value === "number" ? value : Number(value);
    if (!Number.isSafeInteger(number)) throw badRequest(`invalid ${name} specified`);
    return number;
  }

  number(name: string): number | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === "") return undefined;
    const number = Number(value);
    if (!Number.isFinite(number)) throw badRequest(`invalid ${name} specified`);
    return number;
  }

  boolean(name: string): boolean {
    const value = this.values[name];
    return value === true || value === "true" || value === "1" || value === 1;
  }

  /** An object or array parameter, decoded if it came as a JSON string. */
  json<T>(name: string, error = `can't parse ${name} JSON object`): T | undefined {
    const value = this.values[name];
    if (typeof value !== "string") return (value ?? undefined) as T | undefined;
    try {
      return JSON.parse(value) as T;
    } catch {
      throw badRequest(error);
    }
  }

  /** The multipart part with this field name, for `attach://<name>` and direct file fields. */
  upload(name: string): Upload | undefined {
    return this.uploads.get(name);
  }
}

/** Reads the call's parameters from its body (by content type) and its query string. */
export function parseParams(contentType: string | undefined, body: Buffer, query: string): Params {
  const values: Record<string, unknown> = query ? Object.fromEntries(new URLSearchParams(query)) : {};
  if (body.length === 0) return new Params(values);
  const type = contentType?.split(";")[0]!.trim().toLowerCase();
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw badRequest("can't parse JSON object");
    }
    return new Params(Object.assign(values, parsed));
  }
  if (type === "application/x-www-form-urlencoded") {
    return new Params(Object.assign(values, Object.fromEntries(new URLSearchParams(body.toString("utf8")))));
  }
  if (type === "multipart/form-data") {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType!);
    if (!boundary) throw badRequest("can't parse multipart/form-data: no boundary");
    const uploads = new Map<string, Upload>();
    for (const part of multipartParts(body, boundary[1] ?? boundary[2]!)) {
      if (part.filename === undefined) values[part.name] = part.data.toString("utf8");
      else uploads.set(part.name, { filename: part.filename, contentType: part.contentType, data: part.data });
    }
    return new Params(values, uploads);
  }
  return new Params(values);
}

interface Part {
  name: string;
  filename?: string;
  contentType: string;
  data: Buffer;
}

/** Splits a buffered multipart body into its parts (uploads are small enough to buffer). */
function* multipartParts(body: Buffer, boundary: string): Generator<Part> {
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const headerStart = start + delimiter.length;
    if (body.subarray(headerStart, headerStart + 2).toString() === "--") return;
    const headerEnd = body.indexOf("\r\n\r\n", headerStart);
    const next = body.indexOf(delimiter, headerEnd);
    if (headerEnd < 0 || next < 0) throw badRequest("can't parse multipart/form-data");
    const headers = body.subarray(headerStart, headerEnd).toString("utf8");
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? "";
    const name = /\bname=(?:"([^"]*)"|([^;\s]+))/i.exec(disposition);
    const filename = /\bfilename=(?:"([^"]*)"|([^;\r\n]+))/i.exec(disposition);
    if (name) {
      yield {
        name: name[1] ?? name[2]!,
        filename: filename ? (filename[1] ?? filename[2]!.trim()) : undefined,
        contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? "application/octet-stream",
        data: body.subarray(headerEnd + 4, next - 2), // the part ends with CRLF before the delimiter
      };
    }
    start = next;
  }
}
