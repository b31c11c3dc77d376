import { randomBytes } from "node:crypto";
import { badRequest } from "./errors.js";
import type { Params, Upload } from "./params.js";

/** A file Telegram holds: uploaded bytes, or a URL it was sent by (not fetched here). */
export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  file_path: string;
  file_name?: string;
  mime_type?: string;
  data?: Buffer;
}

/** Every file the emulator has seen, by `file_id` and by `file_path`. */
export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();

  /** Stores uploaded bytes (or a URL's reference) under new identifiers. */
  add(kind: string, source: Upload | string): StoredFile {
    const id = randomBytes(12).toString("base64url");
    const upload = typeof source === "string" ? undefined : source;
    const extension = /\.(\w{1,5})$/.exec(upload?.filename ?? source.toString())?.[1] ?? "bin";
    const file: StoredFile = {
      file_id: `${kind.slice(0, 3).toUpperCase()}A${id}`,
      file_unique_id: `AQ${id.slice(0, 10)}`,
      file_path: `${kind}s/file_${this.byId.size}.${extension}`,
      ...(upload && {
        data: upload.data,
        file_size: upload.data.length,
        file_name: upload.filename,
        mime_type: upload.contentType,
      }),
    };
    this.byId.set(file.file_id, file);
    this.byPath.set(file.file_path, file);
    return file;
  }

  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }

  atPath(path: string): StoredFile | undefined {
    return this.byPath.get(path);
  }

  /**
   * Resolves an InputFile parameter as Telegram does: an uploaded part (directly or through
   * `attach://<part>`), an HTTP URL, or the `file_id` of a file Telegram already has.
   */
  input(kind: string, params: Params, value: unknown, name: string): StoredFile {
    const direct = params.upload(name);
    if (direct) return this.add(kind, direct);
    if (typeof value !== "string" || value === "") throw badRequest(`there is no ${name} in the request`);
    if (value.startsWith("attach://")) {
      const part = params.upload(value.slice("attach://".length));
      if (!part) throw badRequest(`can't find attached file "${value.slice(9)}"`);
      return this.add(kind, part);
    }
    if (/^https?:\/\//i.test(value)) return this.add(kind, value);
    const known = this.byId.get(value);
    if (!known) throw badRequest("wrong file identifier/HTTP URL specified");
    return known;
  }

  clear(): void {
    this.byId.clear();
    this.byPath.clear();
  }
}
