import { configDefaults, defineConfig } from "vitest/config";

/** Files that replace a module with `vi.mock`: that works only where modules are loaded afresh. */
const mocking = ["test/runtime/intake/webhook.test.ts"];

export default defineConfig({
  test: {
    globalSetup: ["test/support/global-setup.ts"],
    // isolated-vm needs the startup snapshot off in every worker.
    pool: "forks",
    execArgv: ["--no-node-snapshot"],
    // Two files at a time even on two cores: most tests wait on PostgreSQL, Redis or child
    // processes, and one at a time (vitest's default there) takes the suite past ten minutes.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      // A worker keeps the modules it loaded from one file to the next: loading the platform
      // afresh for every file took a fifth of the suite's time.
      { extends: true, test: { name: "shared", include: ["test/**/*.test.ts", "src/**/*.test.ts"], exclude: [...configDefaults.exclude, ...mocking], isolate: false } },
      { extends: true, test: { name: "isolated", include: mocking } },
    ],
  },
});
