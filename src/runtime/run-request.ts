import { z } from "zod";

/** Why a run happens; `update` is one producer among others (spec/bjs.md §1.12, §2.6, §5, §7, §8). */
export const RUN_TRIGGERS = ["update", "scheduled", "auto_retry", "http_callback", "interop_callback", "broadcast", "webhook", "panel_saved"] as const;

export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** The job kind that carries a RunRequest as its payload. */
export const RUN_JOB_KIND = "run";

/** The job kind of a command's next automatic run (its payload a RunRequest too); `Bot.clearRunAfter` leaves it. */
export const AUTO_RETRY_JOB_KIND = "auto_retry";

/** The job kinds whose payload is a RunRequest (what `GET /v2/bots/{id}/scheduled_runs` lists). */
export const RUN_REQUEST_KINDS = [RUN_JOB_KIND, AUTO_RETRY_JOB_KIND] as const;

const id = z.number().int().positive();

/** The largest `options` a run stored for later may carry, as JSON: what a property's value may be. */
export const MAX_STORED_OPTIONS_BYTES = 10_240;

/**
 * The `options` BJS gives a run that is stored for later (`Bot.run` with `run_after`,
 * `Bot.runAll`, a broadcast the API makes, the callbacks of HTTP requests and imports): kept in the job queue or the broadcast's row until it
 * runs, up to a year later, so bounded like a property; larger data goes in a property, and
 * the options name it.
 */
export const storedOptions = z.unknown().refine(
  (options) => Buffer.byteLength(JSON.stringify(options) ?? "") <= MAX_STORED_OPTIONS_BYTES,
  `Options of a run stored for later may be ${MAX_STORED_OPTIONS_BYTES} bytes of JSON at most: keep larger data in a property and pass its name`,
);

/**
 * A run of a command, as plain data that can be stored and run later by any process: the
 * context loader turns it into an execution. Chat and user are internal ids (`chats.id`,
 * `bot_users.id`); without them the run has no `chat`/`user` (auto retry, web hooks).
 */
export const runRequestSchema = z.object({
  botId: id,
  /** The command by id (stable across renames) or by name (as BJS names it: `/start`, `*`). */
  command: z.union([z.object({ id }), z.object({ name: z.string().min(1).max(255) })]),
  trigger: z.enum(RUN_TRIGGERS),
  chatId: id.optional(),
  userId: id.optional(),
  /** What BJS reads as `options` (an HTTP callback's are the caller's plus the answer). */
  options: z.json(),
  /** The BJS `label` of a scheduled run, which `Bot.clearRunAfter({label})` cancels. */
  label: z.string().min(1).max(255).optional(),
  /** For an auto retry: the interval (seconds) it was scheduled with, so a changed one is noticed. */
  every: z.number().int().positive().optional(),
  /** 1 for the first try of this run; the job layer's retries count up. */
  attempt: z.number().int().min(1),
  /** The command text a callback was named with (its tail is `params`). */
  message: z.string().max(4096).optional(),
  /** For an HTTP callback: the answer, as BJS's `content`, `http_status`, `http_headers`, `cookies`. */
  http: z
    .object({
      content: z.string(),
      status: z.number().int().nullable(),
      headers: z.record(z.string(), z.string()),
      cookies: z.record(z.string(), z.string()),
    })
    .optional(),
  /** The id a caller waits on for the run's answer (run-answers.ts): a Webhooks link's. */
  answerTo: z.string().max(64).optional(),
});

export type RunRequest = z.infer<typeof runRequestSchema>;
