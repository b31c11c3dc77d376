import { useState } from "preact/hooks";
import { call } from "../api/client";
import { Failure } from "../components/failure";
import { Field } from "../components/field";
import { useAction } from "../components/use-action";
import { Link } from "../lib/router";
import type { Page, PageProps } from "../pages";

/** The page the reset mail links to: `/reset-password?reset_password_token=...`. */
function ResetPassword({ query }: PageProps) {
  const token = query.get("reset_password_token") ?? "";
  const [password, setPassword] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      const answer = await call("PUT /v2/user/password", { body: { reset_password_token: token, password, password_confirmation: confirmation } });
      setDone(answer.message);
    });
  if (!token) return <div class="card narrow"><h1>Choose a new password</h1><p>This page needs the link from the reset mail. <Link href="/forgot-password">Ask for a new mail</Link>.</p></div>;
  return (
    <form class="card narrow" onSubmit={(event) => { event.preventDefault(); void submit(); }}>
      <h1>Choose a new password</h1>
      <Field label="New password" type="password" autocomplete="new-password" minLength={8} required value={password} onValue={setPassword} />
      <Field label="Repeat it" type="password" autocomplete="new-password" required value={confirmation} onValue={setConfirmation} />
      <Failure error={action.error} />
      {done ? (
        <p role="status" class="notice">{done} <Link href="/sign-in">Sign in</Link></p>
      ) : (
        <button type="submit" disabled={action.busy}>Set the password</button>
      )}
    </form>
  );
}

export const page: Page = { path: "/reset-password", title: "Reset password", public: true, component: ResetPassword };
