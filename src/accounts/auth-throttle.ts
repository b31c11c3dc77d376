import type { AuthThrottle as Limits } from "../config.js";
import { TooManyRequestsError } from "../errors.js";
import type { AttemptLimiter } from "./attempt-limiter.js";
import { normalizeEmail } from "./users.js";

/** Brute-force protection of sign-in, sign-up and password reset: per client IP and per email. */
export class AuthThrottle {
  constructor(private readonly limiter: AttemptLimiter, private readonly limits: Limits) {}

  /** Counts one attempt; throws a 429 error when the IP or the email has had too many. */
  async attempt(action: string, ip: string, email: string | undefined): Promise<void> {
    const checks = [this.limiter.hit(`${action}:ip:${ip}`, this.limits.perIp, this.limits.windowS)];
    if (email) checks.push(this.limiter.hit(`${action}:email:${normalizeEmail(email)}`, this.limits.perEmail, this.limits.windowS));
    const refused = (await Promise.all(checks)).filter((v) => !v.allowed);
    if (refused.length > 0) throw new TooManyRequestsError(Math.max(...refused.map((v) => v.retryAfterS)));
  }
}
