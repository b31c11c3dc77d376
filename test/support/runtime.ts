import type { Update } from "@grammyjs/types";
import { afterAll, beforeAll } from "vitest";
import { BotApi } from "../../src/telegram/bot-api.js";
import { startEmulator, type BotHandle, type RunningEmulator } from "../../src/telegram/emulator/index.js";
import { createProcessing, type Processing } from "../../src/runtime/processing.js";
import { usePlatform, type EngineName, type TestPlatform } from "./platform.js";
import { signUp } from "./accounts.js";
import { Redis } from "ioredis";
import { redisUrl } from "./redis.js";

/** A command as the API creates it. */
export interface CommandSpec {
  command: string;
  answer?: string;
  aliases?: string;
  keyboard_body?: string;
  bjs_code?: string;
  need_reply?: boolean;
  group?: string;
}

/** A bot made through the API and started, its emulator handle, and a way to feed it updates. */
export interface TestBot {
  id: number;
  telegram: BotHandle;
  apiKey: string;
  /** Hands every update waiting in the emulator to the processor, in order; answers how many. */
  deliver(): Promise<number>;
}

/**
 * The platform, the Telegram emulator (limits off: flood control has tests of its own) and the
 * processing side of the runtime, fed through getUpdates by `deliver()`.
 */
export function useRuntime(engine: EngineName, env: Record<string, string> = {}) {
  const state = {} as { emulator: RunningEmulator; processing: Processing };
  beforeAll(async () => {
    state.emulator = await startEmulator({ limits: { enabled: false } });
  });
  const t: TestPlatform = usePlatform(engine, () => ({ TELEGRAM_API_ROOT: state.emulator.apiRoot, ...env }));
  beforeAll(() => {
    state.processing = createProcessing(t.platform, { executor: { isolates: 2 } });
  });
  afterAll(async () => {
    await state.processing?.close();
    await state.emulator?.close();
  });

  /** Creates a user, a bot with these commands, and starts it. */
  async function bot(commands: CommandSpec[], options: { username?: string } = {}): Promise<TestBot> {
    const telegram = await state.emulator.client.registerBot({ username: options.username });
    const { apiKey } = await signUp(t.app);
    const created = await t.app.inject({ method: "POST", url: `/v2/bots?api_key=${apiKey}`, payload: { name: telegram.username, token: telegram.token } });
    if (created.statusCode !== 200) throw new Error(`bot create failed: ${created.body}`);
    const id = created.json().id as number;
    for (const command of commands) {
      const response = await t.app.inject({ method: "POST", url: `/v2/bots/${id}/commands?api_key=${apiKey}`, payload: command });
      if (response.statusCode !== 200) throw new Error(`command ${command.command} failed: ${response.body}`);
    }
    await t.platform.bots.store.setStatus(id, { status: "works" });
    const api = new BotApi(telegram.token, { apiRoot: state.emulator.apiRoot });
    let offset = 0;
    return {
      id,
      telegram,
      apiKey,
      async deliver() {
        const updates = (await api.call("getUpdates", { offset, timeout: 0 })) as Update[];
        for (const update of updates) {
          // Keyed as the intake keys an inbox row, so PostgreSQL runs go through the run journal.
          await state.processing.processor.handle(id, update, { key: `test:${id}:${update.update_id}` });
          offset = update.update_id + 1;
        }
        return updates.length;
      },
    };
  }

  return {
    t,
    bot,
    get emulator() {
      return state.emulator;
    },
    get processing() {
      return state.processing;
    },
  };
}

/**
 * The scale-out set-up of the job layer: a runtime on PostgreSQL whose jobs wait in Redis
 * (BullMQ, under a key prefix of its own, removed after), its workers started.
 */
export function useRedisJobsRuntime() {
  const prefix = `botyard-test-${Math.random().toString(36).slice(2, 10)}`;
  const r = useRuntime("postgres", { REDIS_URL: redisUrl(), REDIS_PREFIX: prefix, JOB_QUEUE: "redis" });
  beforeAll(() => r.t.platform.jobs.start());
  afterAll(async () => {
    await r.t.platform.jobs.stop();
    const redis = new Redis(redisUrl());
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  return r;
}
