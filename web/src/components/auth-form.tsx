import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { Failure } from "./failure";
import { Field } from "./field";
import { useAction } from "./use-action";

/** The email-and-password card of the sign-in and sign-up pages. */
export function AuthForm(props: { title: string; submit: string; newPassword?: boolean; onSubmit: (email: string, password: string) => Promise<unknown>; children?: ComponentChildren }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const action = useAction();
  return (
    <form class="card narrow" onSubmit={(event) => { event.preventDefault(); void action.run(() => props.onSubmit(email, password)); }}>
      <h1>{props.title}</h1>
      <Field label="Email" type="email" autocomplete="email" required value={email} onValue={setEmail} />
      <Field
        label="Password"
        type="password"
        autocomplete={props.newPassword ? "new-password" : "current-password"}
        minLength={props.newPassword ? 8 : undefined}
        hint={props.newPassword ? "At least 8 characters." : undefined}
        required
        value={password}
        onValue={setPassword}
      />
      <Failure error={action.error} />
      <button type="submit" disabled={action.busy}>{props.submit}</button>
      {props.children}
    </form>
  );
}
