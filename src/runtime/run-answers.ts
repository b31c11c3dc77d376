import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { RedisChannel } from "../redis-channel.js";
import type { Rendered } from "./web-apps.js";

/** What a run someone waits for came to: what `WebApp.render` left in it, or that its BJS failed. */
export interface RunAnswer {
  rendered?: Rendered;
  failed?: boolean;
}

/**
 * How a run stored as a job tells whoever waits for it how it ended (a Webhooks link's caller,
 * spec/bjs.md §2.8), wherever it ran. Nobody may be waiting any more: an answer nobody waits
 * for is dropped.
 */
export interface RunAnswers {
  /** Waits up to `ms` for the answer of the run that will carry `waiter.id`: set up before the run is stored, so no answer comes too early. */
  expect(ms: number): Waiter;
  publish(id: string, answer: RunAnswer): Promise<void>;
  close(): Promise<void>;
}

/** One caller's wait: its `answer` is undefined once the time is up, or once cancelled (the run was not stored). */
export interface Waiter {
  id: string;
  answer: Promise<RunAnswer | undefined>;
  cancel(): void;
}

/** One process: the run and its caller meet in memory. */
export class LocalRunAnswers implements RunAnswers {
  private readonly waiting = new Map<string, (answer: RunAnswer | undefined) => void>();

  expect(ms: number): Waiter {
    const id = randomUUID();
    let end!: (answer: RunAnswer | undefined) => void;
    const answer = new Promise<RunAnswer | undefined>((settle) => {
      const timer = setTimeout(() => end(undefined), ms);
      end = (given) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        settle(given);
      };
    });
    this.waiting.set(id, end);
    return { id, answer, cancel: () => end(undefined) };
  }

  async publish(id: string, answer: RunAnswer): Promise<void> {
    this.tell(id, answer);
  }

  /** Hands an answer to its waiter, if any (also RedisRunAnswers' way in). */
  tell(id: string, answer: RunAnswer): void {
    this.waiting.get(id)?.(answer);
  }

  async close(): Promise<void> {}
}

/**
 * Several processes: answers go out on one Redis pub/sub channel (`<prefix>:run-answers`,
 * messages `{"id", "answer"}`), which every process hears. One missed while a subscriber
 * reconnects leaves its caller to time out, which it must survive anyway.
 */
export class RedisRunAnswers implements RunAnswers {
  private constructor(
    private readonly local: LocalRunAnswers,
    private readonly channel: RedisChannel,
  ) {}

  static async open(redis: Redis, prefix: string): Promise<RedisRunAnswers> {
    const local = new LocalRunAnswers();
    const channel = await RedisChannel.open(redis, `${prefix}:run-answers`, (message) => {
      let parsed: { id?: unknown; answer?: RunAnswer } | undefined;
      try {
        parsed = JSON.parse(message);
      } catch {
        return; // not one of ours
      }
      if (typeof parsed?.id === "string" && parsed.answer) local.tell(parsed.id, parsed.answer);
    });
    return new RedisRunAnswers(local, channel);
  }

  expect(ms: number): Waiter {
    return this.local.expect(ms);
  }

  async publish(id: string, answer: RunAnswer): Promise<void> {
    await this.channel.publish(JSON.stringify({ id, answer }));
  }

  async close(): Promise<void> {
    this.channel.close();
  }
}
