import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";

describe("configuration from the environment", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "botyard-config-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: dataDir, SECRET_KEY: "k", ...env });

  it("sizes BJS with defaults that need no setting, or as told", () => {
    expect(load({}).bjs).toEqual({ isolates: 2, memoryMb: 448, warmMb: 320 });
    expect(load({ BJS_ISOLATES: "4", BJS_MEMORY_MB: "256", BJS_WARM_MB: "500" }).bjs).toEqual({ isolates: 4, memoryMb: 256, warmMb: 500 });
  });

  it("refuses a size that cannot work, saying what it must be", () => {
    expect(() => load({ BJS_ISOLATES: "0" })).toThrow("BJS_ISOLATES must be a whole number of at least 1, got '0'.");
    expect(() => load({ BJS_MEMORY_MB: "8" })).toThrow("BJS_MEMORY_MB must be a whole number of at least 16, got '8'.");
    expect(() => load({ BJS_WARM_MB: "many" })).toThrow("BJS_WARM_MB must be a whole number of at least 1, got 'many'.");
    expect(() => load({ PORT: "-1" })).toThrow("PORT must be a non-negative whole number, got '-1'.");
    expect(() => load({ WORKER_PORT: "api" })).toThrow("WORKER_PORT must be a non-negative whole number, got 'api'.");
    expect(() => load({ UPDATE_VISIBILITY_MS: "2000" })).toThrow("UPDATE_VISIBILITY_MS must be a whole number of at least 8000, got '2000'.");
  });

  it("serves a worker's health on its own port, 3001 unless WORKER_PORT says", () => {
    expect(load({}).workerPort).toBe(3001);
    expect(load({ WORKER_PORT: "9100" }).workerPort).toBe(9100);
  });

  it("keeps jobs in the database, in Redis in shared mode or when JOB_QUEUE=redis names a Redis to keep them in", () => {
    const redis = { REDIS_URL: "redis://127.0.0.1:6379" };
    const shared = { ...redis, DATABASE_URL: "postgres://postgres@127.0.0.1:5432/postgres" };
    expect(load({}).jobQueue).toBe("embedded");
    expect(load(redis).jobQueue).toBe("embedded");
    expect(load({ ...redis, JOB_QUEUE: "redis" }).jobQueue).toBe("redis");
    expect(load(shared).jobQueue).toBe("redis");
    expect(load({ ...shared, JOB_QUEUE: "embedded" }).jobQueue).toBe("embedded");
    expect(() => load({ JOB_QUEUE: "redis" })).toThrow("JOB_QUEUE=redis needs REDIS_URL: set it to the Redis server the job queues live on.");
    expect(() => load({ JOB_QUEUE: "kafka" })).toThrow("JOB_QUEUE must be one of embedded, redis, got 'kafka'.");
  });

  it("leases a taken job for 30 s unless JOB_LEASE_MS says otherwise", () => {
    expect(load({}).jobLeaseMs).toBe(30_000);
    expect(load({ JOB_LEASE_MS: "2000" }).jobLeaseMs).toBe(2000);
    expect(() => load({ JOB_LEASE_MS: "10" })).toThrow("JOB_LEASE_MS must be a whole number of at least 100, got '10'.");
  });

  it("reads BJS_HTTP_ALLOW as a list, refusing an entry that is neither host nor range", () => {
    expect(load({}).bjsHttpAllow).toEqual([]);
    expect(load({ BJS_HTTP_ALLOW: " api.internal, 10.1.0.0/16 ,,127.0.0.1" }).bjsHttpAllow).toEqual(["api.internal", "10.1.0.0/16", "127.0.0.1"]);
    expect(() => load({ BJS_HTTP_ALLOW: "10.0.0.0/40" })).toThrow("BJS_HTTP_ALLOW: '10.0.0.0/40' has a bad prefix length (0 to 32).");
  });
});
