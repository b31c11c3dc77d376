import { call } from "../api/client";
import { useBot } from "../components/bot-context";
import { Failure } from "../components/failure";
import { useAction } from "../components/use-action";
import { useLoad } from "../lib/use-load";
import type { Page } from "../pages";

/** The bot's installed libraries and the catalogue to add more from. */
function Libraries() {
  const { bot } = useBot();
  const id = String(bot.id);
  const installed = useLoad(() => call("GET /v2/bots/{id}/libs", { path: { id } }), [id]);
  const catalogue = useLoad(() => call("GET /v2/store/libs", { query: { per_page: 200 } }), []);
  const action = useAction();
  const has = new Set((installed.data ?? []).map((lib) => lib.id));
  const change = (libId: number, install: boolean) =>
    action.run(async () => {
      if (install) await call("POST /v2/bots/{id}/libs", { path: { id }, body: { lib_id: libId } });
      else await call("DELETE /v2/bots/{id}/libs/{lib_id}", { path: { id, lib_id: String(libId) } });
      await installed.reload();
    });
  return (
    <div class="card">
      <h2>Libraries</h2>
      <p class="muted">Installed libraries are available to the bot's code as <code>Libs.Name</code>.</p>
      <Failure error={installed.error ?? catalogue.error ?? action.error} />
      <ul class="list" aria-label="Libraries">
        {catalogue.data?.map((lib) => (
          <li key={lib.id}>
            <div class="grow">
              <div class="title">{lib.name} {has.has(lib.id) && <span class="badge status-works">Installed</span>}</div>
              <div class="muted">{lib.description}</div>
            </div>
            <button type="button" class={has.has(lib.id) ? "danger" : "secondary"} disabled={action.busy || !installed.data} onClick={() => change(lib.id, !has.has(lib.id))}>
              {has.has(lib.id) ? "Uninstall" : "Install"}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

export const page: Page = { path: "/bots/:id/libs", title: "Libraries", nav: "bot", order: 70, component: Libraries };
