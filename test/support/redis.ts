/** The Redis server tests use (CI and developer machines run one on the default port). */
export function redisUrl(): string {
  return process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
}
