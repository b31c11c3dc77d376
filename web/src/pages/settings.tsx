import { useState } from "preact/hooks";
import { call } from "../api/client";
import { useBot } from "../components/bot-context";
import { Failure } from "../components/failure";
import { Field } from "../components/field";
import { useAction } from "../components/use-action";
import { navigate } from "../lib/router";
import type { Page } from "../pages";

/** Name, token and removal of a bot. */
function Settings() {
  const { bot, reload } = useBot();
  const id = String(bot.id);
  const [name, setName] = useState(bot.name);
  const [token, setToken] = useState(bot.token ?? "");
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const save = () =>
    action.run(async () => {
      setSaved(false);
      await call("PUT /v2/bots/{id}", { path: { id }, body: { name, token: token.trim() || null } });
      await reload();
      setSaved(true);
    });
  const remove = () => {
    if (!confirm(`Delete ${bot.name} with its commands, chats and data? This cannot be undone.`)) return;
    void action.run(async () => {
      await call("DELETE /v2/bots/{id}", { path: { id } });
      navigate("/");
    });
  };
  return (
    <>
      <form class="card" onSubmit={(event) => { event.preventDefault(); void save(); }}>
        <h2>Settings</h2>
        <Field label="Name" required maxLength={64} value={name} onValue={setName} />
        <Field label="Telegram token" autocomplete="off" value={token} onValue={setToken} hint="Checked with Telegram when saved. Empty: the bot has no token (and stops)." />
        <Failure error={action.error} />
        {saved && <p role="status" class="notice">Saved.</p>}
        <button type="submit" disabled={action.busy}>Save</button>
      </form>
      <div class="card">
        <h2>Delete the bot</h2>
        <p class="muted">Stops it and removes its commands, chats, properties and logs.</p>
        <button type="button" class="danger" onClick={remove} disabled={action.busy}>Delete this bot</button>
      </div>
    </>
  );
}

export const page: Page = { path: "/bots/:id/settings", title: "Settings", nav: "bot", order: 90, component: Settings };
