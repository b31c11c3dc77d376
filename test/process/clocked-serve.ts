/**
 * `botyard serve` on a clock the parent test moves, for the kill tests: the same start as the
 * CLI (startServing), configured from the environment, with a FakeClock from START_MS and,
 * on PostgreSQL, the schema DB_SCHEMA. Over IPC it says `{ready}` once it listens, and
 * answers `{advance: ms}` once the clock has moved and the jobs that fell due have finished.
 * Production has no such hook: the clock is injected here, in the test's own process.
 */
import { loadConfig } from "../../src/config.js";
import { startServing } from "../../src/cli/serve.js";
import type { EmbeddedJobQueue } from "../../src/jobs/embedded-queue.js";
import { FakeClock } from "../support/fake-clock.js";

const clock = new FakeClock(Number(process.env.START_MS));
const { platform } = await startServing(loadConfig(process.env), { clock, databaseSchema: process.env.DB_SCHEMA || undefined });
const jobs = platform.jobs as EmbeddedJobQueue;

process.on("message", async (command: { advance: number }) => {
  await clock.advanceAsync(command.advance);
  await jobs.idle();
  process.send!({ done: true });
});
process.send!({ ready: true });
