import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh url-safe random string; 32 bytes give 43 characters. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** Compares two strings in time that does not depend on where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The platform's keyed operations, all derived from SECRET_KEY: token hashes for look-ups
 * (a stolen database yields no usable token) and sealing for values that must be shown
 * again later (the api key).
 */
export class Secrets {
  private readonly hashKey: Buffer;
  private readonly sealKey: Buffer;

  constructor(secretKey: string) {
    this.hashKey = createHash("sha256").update(`hash:${secretKey}`).digest();
    this.sealKey = createHash("sha256").update(`seal:${secretKey}`).digest();
  }

  /** The stored form of a token: HMAC-SHA256, hex. */
  hash(token: string): string {
    return createHmac("sha256", this.hashKey).update(token).digest("hex");
  }

  /** AES-256-GCM, as `iv.tag.ciphertext` in base64url. */
  seal(value: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.sealKey, iv);
    const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((part) => part.toString("base64url")).join(".");
  }

  unseal(sealed: string): string {
    const [iv, tag, body] = sealed.split(".").map((part) => Buffer.from(part, "base64url"));
    const decipher = createDecipheriv("aes-256-gcm", this.sealKey, iv!);
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(body!), decipher.final()]).toString("utf8");
  }
}
