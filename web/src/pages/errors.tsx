import { call } from "../api/client";
import { useBot } from "../components/bot-context";
import { ErrorItem } from "../components/error-entry";
import { Failure } from "../components/failure";
import { useAction } from "../components/use-action";
import { useLoad } from "../lib/use-load";
import type { Page } from "../pages";

/** The bot's error log, newest first; each entry links to its command and line. */
function Errors() {
  const { bot } = useBot();
  const id = String(bot.id);
  const log = useLoad(() => call("GET /v2/bots/{id}/error_logs", { path: { id }, query: { per_page: 100 } }), [id]);
  const action = useAction();
  const clear = () => action.run(async () => {
    await call("DELETE /v2/bots/{id}/error_logs", { path: { id } });
    await log.reload();
  });
  return (
    <div class="card">
      <div class="row spread">
        <h2>Error log</h2>
        <div class="row">
          <button type="button" class="secondary" onClick={log.reload} disabled={log.loading}>Refresh</button>
          <button type="button" class="danger" onClick={clear} disabled={action.busy || !log.data?.length}>Clear</button>
        </div>
      </div>
      <Failure error={log.error ?? action.error} />
      {log.data?.length === 0 && <p class="muted">No errors. When a command fails, it shows here.</p>}
      <ul class="list" aria-label="Errors">
        {log.data?.map((entry) => <ErrorItem key={entry.id} entry={entry} botId={id} />)}
      </ul>
    </div>
  );
}

export const page: Page = { path: "/bots/:id/errors", title: "Errors", nav: "bot", order: 30, component: Errors };
