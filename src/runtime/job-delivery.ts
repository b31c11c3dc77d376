import type { Job, JobSpec } from "../jobs/job-queue.js";
import type { Delivery } from "./run-journal.js";

/**
 * A job's run as the run journal knows it. A job enqueued again by the same producer (an
 * outbox entry made again after its worker died, a callback enqueued again by a job taken
 * again) gets a new id but carries the same `deliveryKey` in its payload: the copy finds the
 * delivery committed and runs nothing. Other jobs are keyed by their id, which they keep each
 * time they are taken again.
 */
export function jobDelivery(job: Pick<Job, "id" | "payload">): Delivery {
  const key = (job.payload as { deliveryKey?: unknown } | null | undefined)?.deliveryKey;
  return { key: typeof key === "string" ? key : `job:${job.id}` };
}

/** The spec with the delivery key its job's run is journaled by (payload schemas drop the field). */
export function withDeliveryKey<P>(spec: JobSpec<P>, deliveryKey: string): JobSpec<P> {
  return { ...spec, payload: { ...spec.payload, deliveryKey } };
}
