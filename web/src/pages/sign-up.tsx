import { call } from "../api/client";
import { AuthForm } from "../components/auth-form";
import { Link } from "../lib/router";
import type { Page } from "../pages";

function SignUp() {
  return (
    <AuthForm title="Create your account" submit="Sign up" newPassword onSubmit={(email, password) => call("POST /v2/auth", { body: { email, password } })}>
      <p>
        Have an account? <Link href="/sign-in">Sign in</Link>
      </p>
    </AuthForm>
  );
}

export const page: Page = { path: "/sign-up", title: "Sign up", public: true, component: SignUp };
