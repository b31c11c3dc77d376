import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Platform } from "../platform.js";
import { requireSignIn } from "./plugins/authenticate.js";
import { errorOptions, registerErrorHandling } from "./plugins/errors.js";
import { registerJsonBodies } from "./plugins/json-body.js";
import { registerTextGuard } from "./plugins/text-guard.js";
import { registerOpenApi } from "./plugins/openapi.js";
import { registerRequestMetrics } from "./plugins/request-metrics.js";
import { recordRoutes } from "./route-table.js";
import { authRoutes } from "./routes/auth.js";
import { docsRoutes } from "./routes/docs.js";
import { healthRoutes } from "./routes/health.js";
import { storageChecks, type ReadinessCheck } from "./readiness.js";
import { planRoutes } from "./routes/plans.js";
import { userRoutes } from "./routes/user.js";
import { adminPanelRoutes } from "./routes/admin-panels.js";
import { botRoutes } from "./routes/bots.js";
import { botStatusRoutes } from "./routes/bot-status.js";
import { chatRoutes } from "./routes/chats.js";
import { commandRoutes } from "./routes/commands.js";
import { errorLogRoutes } from "./routes/error-logs.js";
import { folderRoutes } from "./routes/folders.js";
import { libRoutes } from "./routes/libs.js";
import { propertyRoutes } from "./routes/properties.js";
import { scheduledRunRoutes } from "./routes/scheduled-runs.js";
import { broadcastRoutes } from "./routes/broadcasts.js";
import { storeRoutes } from "./routes/store.js";
import { gitRoutes } from "./routes/git.js";
import { csvImportRoutes } from "./routes/csv-imports.js";
import { botCopyRoutes } from "./routes/bot-copy.js";
import { taskRoutes } from "./routes/tasks.js";
import { playgroundRoutes } from "./routes/playground.js";
import { registerDashboard } from "./plugins/dashboard.js";
import { webhookRoutes } from "../runtime/intake/webhook.js";
import { webAppRoutes } from "./routes/web-app.js";
import { libWebhookRoutes } from "./routes/lib-webhooks.js";

/** Route plugins that need a signed-in user; each later resource (bots, commands...) joins here. */
const authenticatedRoutes = [
  userRoutes,
  botRoutes,
  botStatusRoutes,
  folderRoutes,
  commandRoutes,
  chatRoutes,
  propertyRoutes,
  errorLogRoutes,
  scheduledRunRoutes,
  broadcastRoutes,
  adminPanelRoutes,
  libRoutes,
  storeRoutes,
  gitRoutes,
  csvImportRoutes,
  botCopyRoutes,
  taskRoutes,
  playgroundRoutes,
];

export interface AppOptions {
  /** Hooks that must see every route, added before any is registered (tests check each answer against the document). */
  instrument?: (app: FastifyInstance) => void;
  /** What `/readyz` checks; default the database and Redis (a role adds its own, src/cli/serve.ts). */
  readiness?: ReadinessCheck[];
}

/** How long a client may take to send a whole request, headers and body. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** A Fastify instance on the platform's logger, validating and serialising with zod. */
function fastify(platform: Platform) {
  const app = Fastify({
    loggerInstance: platform.log as FastifyBaseLogger,
    bodyLimit: platform.config.bodyLimitBytes,
    // A request must arrive whole within this (Fastify's default, 0, lets a body that never
    // finishes hold its connection for ever); answers may take longer (long polls).
    requestTimeout: REQUEST_TIMEOUT_MS,
    trustProxy: platform.config.trustProxy,
    // Ids are integers; ignore trailing slashes so `/v2/bots/` finds `/v2/bots`.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ...errorOptions(platform.config.bodyLimitBytes),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerRequestMetrics(app, platform.metrics);
  return app;
}

/** Only the operational endpoints (health, readiness, metrics): what a worker serves. */
export async function buildOperationsApp(platform: Platform, readiness: ReadinessCheck[]): Promise<FastifyInstance> {
  const app = fastify(platform);
  await app.register(healthRoutes, { platform, readiness });
  return app;
}

/** The REST API and the operational endpoints, ready to listen or to be injected in tests. */
export async function buildApp(platform: Platform, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = fastify(platform);
  recordRoutes(app);
  options.instrument?.(app);
  registerErrorHandling(app, platform.config.bodyLimitBytes, await registerDashboard(app, platform.log));
  registerJsonBodies(app);
  registerTextGuard(app);
  // An answer tells the client its writes happened: it leaves once they are committed.
  app.addHook("onSend", async () => {
    await platform.database.committed();
  });
  await registerOpenApi(app);

  await app.register(healthRoutes, { platform, readiness: options.readiness ?? storageChecks(platform) });
  await app.register(docsRoutes);
  await app.register(planRoutes, { platform });
  await app.register(authRoutes, { platform });
  await app.register(webhookRoutes, { platform });
  await app.register(webAppRoutes, { platform });
  await app.register(libWebhookRoutes, { platform });
  await app.register(async (scope) => {
    requireSignIn(scope, platform);
    for (const routes of authenticatedRoutes) await scope.register(routes, { platform });
  });
  return app;
}
