import { useState } from "preact/hooks";
import { call } from "../api/client";
import { endSession } from "../api/session";
import { Failure } from "../components/failure";
import { Field } from "../components/field";
import { useAction } from "../components/use-action";
import { useLoad } from "../lib/use-load";
import type { Page } from "../pages";

/** The account: plan, api key, password, devices. */
function Account() {
  const user = useLoad(() => call("GET /v2/user"), []);
  const plan = useLoad(() => call("GET /v2/user/payment_plan"), []);
  const [reveal, setReveal] = useState(false);
  const keyAction = useAction();
  const resetKey = () => {
    if (!confirm("Make a new api key? The current one stops working at once.")) return;
    void keyAction.run(async () => {
      await call("POST /v2/user/api_key");
      await user.reload();
      setReveal(true);
    });
  };
  const logOutAll = () => {
    if (!confirm("Sign out on every device, this one included?")) return;
    void keyAction.run(async () => {
      await call("DELETE /v2/user/tokens");
      endSession();
    });
  };
  return (
    <>
      <h1>Account</h1>
      <Failure error={user.error ?? plan.error} />
      {user.data && (
        <div class="card">
          <p><strong>{user.data.email}</strong></p>
          {plan.data && (
            <p class="muted">
              Plan {plan.data.name}: {plan.data.iterations_per_month.toLocaleString()} iterations a month, {plan.data.bots_limit} bots, {plan.data.command_timeout_s} s per command.
            </p>
          )}
          <h2>API key</h2>
          <p class="muted">For the REST API: add <code>?api_key=…</code> to any request (see the <a href="/docs">API docs</a>).</p>
          <div class="row">
            <code class="grow" aria-label="API key" style={{ overflowWrap: "anywhere" }}>{reveal ? user.data.api_key : "•".repeat(24)}</code>
            <button type="button" class="secondary" onClick={() => setReveal(!reveal)}>{reveal ? "Hide" : "Show"}</button>
            <button type="button" class="secondary" onClick={() => void navigator.clipboard?.writeText(user.data!.api_key)}>Copy</button>
            <button type="button" class="danger" onClick={resetKey} disabled={keyAction.busy}>New key</button>
          </div>
          <Failure error={keyAction.error} />
          <h2>Devices</h2>
          <button type="button" class="secondary" onClick={logOutAll} disabled={keyAction.busy}>Sign out everywhere</button>
        </div>
      )}
      <ChangePassword />
    </>
  );
}

function ChangePassword() {
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const save = () =>
    action.run(async () => {
      setDone((await call("PUT /v2/user/password", { body: { current_password: current, password } })).message);
      setCurrent("");
      setPassword("");
    });
  return (
    <form class="card" onSubmit={(event) => { event.preventDefault(); void save(); }}>
      <h2>Change password</h2>
      <Field label="Current password" type="password" autocomplete="current-password" required value={current} onValue={setCurrent} />
      <Field label="New password" type="password" autocomplete="new-password" minLength={8} required value={password} onValue={setPassword} hint="Other devices are signed out." />
      <Failure error={action.error} />
      {done && <p role="status" class="notice">{done}</p>}
      <button type="submit" disabled={action.busy}>Change password</button>
    </form>
  );
}

export const page: Page = { path: "/account", title: "Account", nav: "main", order: 4, component: Account };
