import { call } from "../api/client";
import { AuthForm } from "../components/auth-form";
import { Link } from "../lib/router";
import type { Page } from "../pages";

function SignIn() {
  return (
    <AuthForm title="Sign in" submit="Sign in" onSubmit={(email, password) => call("POST /v2/auth/sign_in", { body: { email, password } })}>
      <p>
        New here? <Link href="/sign-up">Create an account</Link> · <Link href="/forgot-password">Forgot your password?</Link>
      </p>
    </AuthForm>
  );
}

export const page: Page = { path: "/sign-in", title: "Sign in", public: true, component: SignIn };
