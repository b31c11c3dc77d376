import { useState } from "preact/hooks";
import { call } from "../api/client";
import { navigate } from "../lib/router";
import { Failure } from "./failure";
import { Field } from "./field";
import { useAction } from "./use-action";

/** Opens a bot just made; without a Telegram token it joins the playground first, ready to try. */
export async function openNewBot(botId: number, token: string): Promise<void> {
  if (!token) await call("POST /v2/bots/{id}/playground", { path: { id: String(botId) } });
  navigate(`/bots/${botId}`);
}

/** Creates a bot; without a Telegram token it joins the playground, ready to try. */
export function CreateBot() {
  const [name, setName] = useState("");
  const [token, setToken] = useState("");
  const action = useAction();
  const create = () =>
    action.run(async () => {
      const bot = await call("POST /v2/bots", { body: { name, token: token.trim() || null } });
      await openNewBot(bot.id, token.trim());
    });
  return (
    <form class="card" onSubmit={(event) => { event.preventDefault(); void create(); }}>
      <h2>New bot</h2>
      <div class="row">
        <div class="grow"><Field label="Name" required maxLength={64} value={name} onValue={setName} /></div>
        <div class="grow">
          <Field label="Telegram token" placeholder="123456:ABC…" autocomplete="off" value={token} onValue={setToken} hint="From @BotFather. Leave it empty to try the bot in the playground first." />
        </div>
      </div>
      <Failure error={action.error} />
      <button type="submit" disabled={action.busy}>Create the bot</button>
    </form>
  );
}
