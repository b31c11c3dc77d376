import { Counter, Histogram, type Registry } from "prom-client";
import type { BjsError } from "./sandbox/executor.js";

/**
 * What operators watch the runtime by, on /metrics. Labels stay few and bounded (no bot or
 * chat ids): a platform has many bots, and Prometheus keeps a series per label value.
 */
export class RuntimeMetrics {
  private readonly accepted: Counter<"kind">;
  private readonly handlings: Counter<"outcome">;
  private readonly handlingSeconds: Histogram;
  private readonly executions: Counter<"outcome">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.accepted = new Counter({ name: "botyard_updates_received_total", help: "Updates received from Telegram: new, or dropped as a redelivery", labelNames: ["kind"], registers });
    this.handlings = new Counter({ name: "botyard_update_handlings_total", help: "Attempts at handling an update, by outcome", labelNames: ["outcome"], registers });
    this.handlingSeconds = new Histogram({
      name: "botyard_update_handling_seconds",
      help: "Time to handle one update, BJS and Telegram calls included",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.executions = new Counter({ name: "botyard_bjs_executions_total", help: "BJS executions, by outcome", labelNames: ["outcome"], registers });
  }

  received(fresh: number, redelivered: number): void {
    if (fresh > 0) this.accepted.inc({ kind: "new" }, fresh);
    if (redelivered > 0) this.accepted.inc({ kind: "redelivered" }, redelivered);
  }

  handled(seconds: number): void {
    this.handlings.inc({ outcome: "handled" });
    this.handlingSeconds.observe(seconds);
  }

  /** A failed attempt: retried later, or the last one (the update is given up). */
  failed(givenUp: boolean): void {
    this.handlings.inc({ outcome: givenUp ? "given_up" : "retried" });
  }

  execution(error: BjsError | undefined): void {
    this.executions.inc({ outcome: !error ? "ok" : error.timedOut ? "timeout" : error.outOfMemory ? "memory" : "error" });
  }
}
