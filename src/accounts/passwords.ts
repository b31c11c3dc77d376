import { hash, verify } from "@node-rs/argon2";

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. (2 is Algorithm.Argon2id, a const enum.)
const options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 8;

/** The argon2id hash of a password, in PHC string form. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

/** True when the password matches the stored hash; false for a missing or malformed hash. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) return false;
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Problems with a new password, as sentences; empty when it is acceptable. */
export function passwordProblems(password: string, confirmation?: string | null): string[] {
  const problems: string[] = [];
  // Characters as people count them (an emoji is one), not UTF-16 units.
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    problems.push(`Password is too short (minimum is ${MIN_PASSWORD_LENGTH} characters)`);
  }
  if (length > 128) problems.push("Password is too long (maximum is 128 characters)");
  // Null is a confirmation not sent, as some clients send an empty field.
  if (confirmation != null && confirmation !== password) {
    problems.push("Password confirmation doesn't match Password");
  }
  return problems;
}
