import { call } from "../api/client";
import { useBot } from "./bot-context";
import { Failure } from "./failure";
import { useAction } from "./use-action";

/** Starts or stops the open bot, and says why Telegram refused when it did. */
export function StartStop() {
  const { bot, reload } = useBot();
  const action = useAction();
  const running = bot.status === "works" || bot.status === "start_launch";
  const change = () =>
    action.run(async () => {
      await call("POST /v2/bots/{id}/status", { path: { id: String(bot.id) }, body: { status: running ? "start_stopping" : "start_launch" } });
      await reload();
    });
  return (
    <div>
      <button type="button" class={running ? "secondary" : undefined} disabled={action.busy} onClick={change}>
        {running ? "Stop the bot" : "Start the bot"}
      </button>
      {bot.status_error && <p class="failure">{bot.status_error}</p>}
      <Failure error={action.error} />
    </div>
  );
}
