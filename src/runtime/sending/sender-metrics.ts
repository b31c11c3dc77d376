import { Counter, Gauge, type Registry } from "prom-client";

/** How one attempt at a Bot API call ended. */
export type CallOutcome = "ok" | "refused" | "rate_limited" | "server_error" | "network";

/** Which queue of a bot a call waits in: people's replies go before mailings. */
export type SendPriority = "interactive" | "broadcast";

/** The sender's series on /metrics; labels stay bounded (no bot, chat or method). */
export class SenderMetrics {
  private readonly calls: Counter<"outcome">;
  private readonly queued: Gauge<"priority">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.calls = new Counter({ name: "botyard_telegram_calls_total", help: "Bot API call attempts, by outcome (retries count again)", labelNames: ["outcome"], registers });
    this.queued = new Gauge({ name: "botyard_telegram_queued_calls", help: "Bot API calls waiting for their turn under Telegram's limits, by priority", labelNames: ["priority"], registers });
    for (const priority of ["interactive", "broadcast"] as const) this.queued.set({ priority }, 0);
  }

  call(outcome: CallOutcome): void {
    this.calls.inc({ outcome });
  }

  /** A call joined (+1) or left (-1) a queue. */
  queue(priority: SendPriority, change: 1 | -1): void {
    this.queued.inc({ priority }, change);
  }
}
