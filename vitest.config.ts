import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // isolated-vm needs the startup snapshot off in every worker.
    pool: "forks",
    execArgv: ["--no-node-snapshot"],
    // Two files at a time even on two cores: most tests wait on PostgreSQL, Redis or child
    // processes, and one at a time (vitest's default there) takes the suite past ten minutes.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
