import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ValidationError } from "../../errors.js";
import type { Platform } from "../../platform.js";
import { authenticate, sendSessionHeaders } from "../plugins/authenticate.js";
import { mayAnswer } from "../presenters/error.js";
import { messageSchema, urlSchema } from "../presenters/message.js";
import { presentUser, userPublicSchema } from "../presenters/user.js";
import type { SignedIn } from "../../accounts/accounts.js";

const credentials = z.object({ email: z.string().max(254), password: z.string().max(1024) });
/** Null too: it counts as not sent (passwordProblems). */
const optionalConfirmation = z.string().max(1024).nullish();
const tags = ["Authentication"];

/** Sign up, sign in (password or Telegram), password reset: the endpoints that need no account yet. */
export const authRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const signedIn = async (reply: import("fastify").FastifyReply, { user, tokens }: SignedIn) => {
    sendSessionHeaders(reply, user.email, tokens);
    return presentUser(platform, user);
  };

  app.post(
    "/v2/auth/sign_in",
    {
      config: { startsSession: true },
      schema: { tags, summary: "Sign in", body: credentials, response: { 200: z.object({ data: userPublicSchema }), ...mayAnswer(401, 429) } },
    },
    async (request, reply) => {
      await platform.authThrottle.attempt("sign_in", request.ip, request.body.email);
      return { data: await signedIn(reply, await platform.accounts.signIn(request.body)) };
    },
  );

  app.post(
    "/v2/auth",
    {
      config: { startsSession: true },
      schema: {
        tags,
        summary: "Sign up",
        body: credentials.extend({ password_confirmation: optionalConfirmation }),
        response: { 200: z.object({ status: z.literal("success"), data: userPublicSchema }), ...mayAnswer(429) },
      },
    },
    async (request, reply) => {
      await platform.authThrottle.attempt("sign_up", request.ip, request.body.email);
      return { status: "success" as const, data: await signedIn(reply, await platform.accounts.signUp(request.body)) };
    },
  );

  app.post(
    "/v2/auth/telegram_login_url",
    {
      schema: {
        tags,
        summary: "Get Telegram login URL",
        body: z.object({ return_to: z.string().min(1).max(2048).optional().describe("Where Telegram sends the signed login: /v2/auth/telegram (the default) or a dashboard page, as an address on the platform's origin or a path.") }).nullish(),
        response: { 200: urlSchema },
      },
    },
    async (request) => ({ url: platform.telegramLogin.loginUrl(request.body?.return_to) }),
  );

  app.get(
    "/v2/auth/telegram",
    {
      config: { startsSession: true },
      schema: {
        tags,
        summary: "Telegram login",
        description: "Signs in with the fields of the Telegram Login Widget; creates an account on first login.",
        querystring: z.object({
          id: z.string().regex(/^\d{1,20}$/).describe("The Telegram user's id."),
          first_name: z.string().max(256).describe("The Telegram user's first name."),
          last_name: z.string().max(256).optional().describe("The Telegram user's last name."),
          username: z.string().max(256).optional().describe("The Telegram user's username."),
          photo_url: z.string().max(2048).optional().describe("The Telegram user's profile photo."),
          auth_date: z.string().regex(/^\d{1,12}$/).describe("When Telegram signed the fields, in unix seconds; older than a day is refused."),
          hash: z.string().max(128).describe("Telegram's signature of the other fields (HMAC-SHA256, keyed by the login bot's token)."),
        }),
        response: { 200: z.object({ data: userPublicSchema }), ...mayAnswer(401, 429) },
      },
    },
    async (request, reply) => {
      await platform.authThrottle.attempt("telegram", request.ip, undefined);
      const identity = platform.telegramLogin.verify(request.query);
      return { data: await signedIn(reply, await platform.accounts.signInWithTelegram(identity)) };
    },
  );

  app.post(
    "/v2/user/reset_password",
    {
      schema: {
        tags,
        summary: "Reset password",
        description: "Mails a single-use reset token (valid 1 hour) when the account exists; answers the same either way.",
        body: z.object({ email: z.string().max(254) }),
        response: { 200: messageSchema, ...mayAnswer(429) },
      },
    },
    async (request) => {
      await platform.authThrottle.attempt("reset_password", request.ip, request.body.email);
      await platform.passwordResets.request(request.body.email);
      return { message: "If an account with that email exists, a reset link has been sent to it." };
    },
  );

  const requireUser = authenticate(platform);
  app.put(
    "/v2/user/password",
    {
      config: { authentication: "optional" },
      schema: {
        tags: ["User account"],
        summary: "Update password",
        description:
          "With `reset_password_token` (from the reset mail) no authentication is needed; otherwise authenticate and send `current_password`. Every other session is signed out.",
        body: z.object({
          password: z.string().max(1024),
          password_confirmation: optionalConfirmation,
          current_password: z.string().max(1024).optional(),
          reset_password_token: z.string().max(256).optional(),
        }),
        response: { 200: messageSchema, ...mayAnswer(429) },
      },
    },
    async (request, reply) => {
      const { reset_password_token: resetToken, ...change } = request.body;
      // A token sent blank is a reset gone wrong (a link cut short), not a signed-in change.
      if (resetToken !== undefined && resetToken.trim() === "") throw new ValidationError(["Reset password token can't be blank: use the link from the reset mail"]);
      if (resetToken !== undefined) {
        await platform.authThrottle.attempt("reset_password", request.ip, undefined);
        await platform.passwordResets.complete(resetToken, change.password, change.password_confirmation);
      } else {
        await requireUser(request, reply);
        await platform.accounts.changePassword(request.user, change, request.sessionClient);
      }
      return { message: "Password updated; other sessions have been signed out." };
    },
  );
};
