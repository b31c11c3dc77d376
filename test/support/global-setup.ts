import pg from "pg";
import type { TestProject } from "vitest/node";

/**
 * Creates one fresh PostgreSQL database for this test run (each test file then works in its
 * own schema inside it) and drops it at the end. The server comes from TEST_POSTGRES_URL
 * (default: the local one). Without a reachable server the PostgreSQL tests skip, except in
 * CI (CI=true), where they must run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `botyard_test_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    if (process.env.CI === "true") throw new Error(`PostgreSQL is required in CI: ${(error as Error).message}`);
    console.warn(`PostgreSQL unreachable at ${serverUrl}: its tests will skip (${(error as Error).message}).`);
    project.provide("postgresUrl", "");
    return async () => {};
  }
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  project.provide("postgresUrl", url.toString());
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
