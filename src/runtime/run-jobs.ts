import { z } from "zod";
import type { ErrorLog } from "../bots/error-log.js";
import type { Job, JobQueue } from "../jobs/job-queue.js";
import { jobDelivery, withDeliveryKey } from "./job-delivery.js";
import { OUTBOUND_METHODS, type OutboundHttp, type OutboundRequest } from "../net/outbound-http.js";
import type { Processor } from "./processor.js";
import { RUN_JOB_KIND, runRequestSchema, type RunRequest } from "./run-request.js";

/** The job kind of an `HTTP.*` request waiting to be made. */
export const HTTP_JOB_KIND = "http";

/** An `HTTP.*` request as stored: the request, its callbacks, and where they run. */
export interface HttpJob {
  request: OutboundRequest;
  success?: string;
  error?: string;
  options: RunRequest["options"];
  userId?: number;
  chatId?: number;
  /** The command that asked for it: a failure no callback takes is logged under it. */
  from?: { id: number; name: string };
}

const httpJobSchema = z.object({
  request: z.object({
    method: z.enum(OUTBOUND_METHODS),
    url: z.string(),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.unknown().optional(),
    cookies: z.string().optional(),
    followRedirects: z.boolean().optional(),
  }),
  success: z.string().optional(),
  error: z.string().optional(),
  options: z.json(),
  userId: z.number().int().optional(),
  chatId: z.number().int().optional(),
  from: z.object({ id: z.number().int(), name: z.string() }).optional(),
});

/**
 * The handlers of the jobs BJS leaves behind: a stored run (scheduled `Bot.run`, auto retry,
 * callback) goes to the processor; an HTTP request is made, and its answer becomes a callback
 * run of its own (`success` for any answer, even 4xx/5xx, which Bots.Business bots check with
 * `http_status`; `error` when no answer came: refused address, timeout, network). A failed
 * request without an `error` callback is logged in the bot's error log (spec/bjs.md §2.6, §9:
 * the callback takes the failure over).
 */
export function registerRunJobs(deps: { jobs: JobQueue; processor: Pick<Processor, "run">; outboundHttp: Pick<OutboundHttp, "send">; errorLog: Pick<ErrorLog, "record"> }): void {
  const { jobs, processor, outboundHttp, errorLog } = deps;
  jobs.register<RunRequest>(RUN_JOB_KIND, async (job) => {
    await processor.run({ ...runRequestSchema.parse(job.payload), attempt: job.attempts }, jobDelivery(job));
  });
  jobs.register<HttpJob>(HTTP_JOB_KIND, async (job) => {
    const { request, success, error, options, userId, chatId, from } = httpJobSchema.parse(job.payload) as HttpJob;
    const outcome = await outboundHttp.send(request);
    const answered = outcome.error === null;
    const callback = answered ? success : error;
    if (!answered && !error) {
      const where = `${request.method} ${URL.canParse(request.url) ? new URL(request.url).host : "(an invalid URL)"}`;
      await errorLog.record(job.botId, {
        message: `HTTP ${where} failed: ${outcome.error}`,
        trigger: "http",
        command_id: from?.id ?? null,
        command_name: from?.name ?? null,
        user_id: userId ?? null,
        chat_id: chatId ?? null,
        group_key: `http:${where}`,
      });
    }
    if (!callback) return;
    const http = { content: outcome.content, status: outcome.status, headers: outcome.headers, cookies: outcome.cookies };
    await enqueueCallback(jobs, job, { botId: job.botId, text: callback, trigger: "http_callback", options, userId, chatId, http });
  });
}

/**
 * Queues the run of a callback command named by BJS (`success: "/done 1"`: its params after
 * the first space), as its own run in the caller's user and chat. Its delivery follows from
 * the job it answers: that job taken again (its worker died after this) enqueues a copy that
 * does not run twice.
 */
export async function enqueueCallback(
  jobs: Pick<JobQueue, "enqueue">,
  from: Pick<Job, "id" | "payload">,
  callback: Pick<RunRequest, "botId" | "trigger" | "options" | "userId" | "chatId" | "http"> & { text: string },
): Promise<void> {
  const { text, ...run } = callback;
  const request: RunRequest = { ...run, command: { name: text.split(" ")[0]! }, message: text, attempt: 1 };
  await jobs.enqueue([withDeliveryKey({ kind: RUN_JOB_KIND, botId: run.botId, payload: request }, `${jobDelivery(from).key}/callback`)]);
}
