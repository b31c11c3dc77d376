import { useState } from "preact/hooks";
import { call } from "../api/client";
import { Failure } from "../components/failure";
import { Field } from "../components/field";
import { useAction } from "../components/use-action";
import { Link } from "../lib/router";
import type { Page } from "../pages";

function ForgotPassword() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const action = useAction();
  const submit = () => action.run(async () => setSent((await call("POST /v2/user/reset_password", { body: { email } })).message));
  return (
    <form class="card narrow" onSubmit={(event) => { event.preventDefault(); void submit(); }}>
      <h1>Reset your password</h1>
      <p>We mail you a link that lets you choose a new password. It works once, for an hour.</p>
      <Field label="Email" type="email" autocomplete="email" required value={email} onValue={setEmail} />
      <Failure error={action.error} />
      {sent && <p role="status" class="notice">{sent}</p>}
      <button type="submit" disabled={action.busy}>Send the link</button>
      <p><Link href="/sign-in">Back to sign in</Link></p>
    </form>
  );
}

export const page: Page = { path: "/forgot-password", title: "Forgot password", public: true, component: ForgotPassword };
