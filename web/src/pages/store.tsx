import { useState } from "preact/hooks";
import { call, type Answer } from "../api/client";
import { openNewBot } from "../components/create-bot";
import { Failure } from "../components/failure";
import { Field } from "../components/field";
import { useAction } from "../components/use-action";
import { useLoad } from "../lib/use-load";
import type { Page } from "../pages";

type StoreBot = Answer<"GET /v2/store/bots">[number];

/** A demo bot; Install asks for the new bot's name (and a token, optional) before copying it. */
function DemoBot(props: { bot: StoreBot }) {
  const { bot } = props;
  const [asking, setAsking] = useState(false);
  const [name, setName] = useState(bot.name);
  const [token, setToken] = useState("");
  const action = useAction();
  const install = () =>
    action.run(async () => {
      const created = await call("POST /v2/store/bots/{store_bot_id}/install", { path: { store_bot_id: String(bot.id) }, body: { name, token: token.trim() || null } });
      await openNewBot(created.id, token.trim());
    });
  return (
    <li>
      <div class="grow">
        <div class="title">{bot.name}</div>
        <div class="muted">{bot.description}</div>
        <small class="muted">
          {bot.commands_count} commands{bot.libs.length > 0 && ` · uses ${bot.libs.join(", ")}`}
        </small>
      </div>
      {!asking && <button type="button" class="secondary" aria-label={`Install ${bot.name}`} onClick={() => setAsking(true)}>Install</button>}
      {asking && (
        <form class="grow" aria-label={`Install ${bot.name}`} onSubmit={(event) => { event.preventDefault(); void install(); }}>
          <Field label="Name" required maxLength={64} value={name} onValue={setName} />
          <Field label="Telegram token" placeholder="123456:ABC…" autocomplete="off" value={token} onValue={setToken} hint="Leave it empty to try the bot in the playground first." />
          <Failure error={action.error} />
          <div class="row">
            <button type="submit" disabled={action.busy}>Install the bot</button>
            <button type="button" class="link" onClick={() => setAsking(false)}>Cancel</button>
          </div>
        </form>
      )}
    </li>
  );
}

/** The demo bots of the store, each ready to install as a new bot of yours. */
function Store() {
  const demos = useLoad(() => call("GET /v2/store/bots", { query: { per_page: 200 } }), []);
  return (
    <>
      <h1>Store</h1>
      <div class="card">
        <h2>Demo bots</h2>
        <p class="muted">Install one to get a copy of its commands and libraries as a new bot of yours, then change it as you like.</p>
        <Failure error={demos.error} />
        <ul class="list" aria-label="Demo bots">
          {demos.data?.map((bot) => <DemoBot key={bot.id} bot={bot} />)}
        </ul>
      </div>
    </>
  );
}

export const page: Page = { path: "/store", title: "Store", nav: "main", order: 2, component: Store };
