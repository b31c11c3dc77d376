import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import {
  AppError,
  NotFoundError,
  PlanLimitError,
  TooManyRequestsError,
  UnauthorizedError,
  UnprocessableError,
  ValidationError,
} from "../../errors.js";
import { describeIssue } from "../validation-messages.js";

// Fastify's own request errors, in the contract's shapes: what went wrong and what to send instead.
const requestErrors: Record<string, (request: FastifyRequest, limit: number) => [number, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (request) => [415, `Unsupported content type '${request.headers["content-type"]}'; send application/json`],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => [400, "Content-Length does not match the body"],
  FST_ERR_CTP_BODY_TOO_LARGE: (_, limit) => [413, `Request body is too large (the limit is ${limit} bytes)`],
  FST_ERR_CTP_EMPTY_JSON_BODY: () => [400, "Request body is empty; send a JSON object or no Content-Type"],
  FST_ERR_CTP_INVALID_JSON_BODY: () => [400, "Malformed JSON in request body"],
};

/**
 * Turns every failure into the contract's shapes: 422 `{"errors": [...]}`, 401
 * `{"errors": [...]}`, other 4xx `{"error": "..."}`. Anything unexpected is logged and
 * answered with a bare 500, never with its details.
 */
export function registerErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: `Not found: ${request.method} ${request.url.split("?")[0]}` });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? "body";
      return reply.code(422).send({ errors: error.validation.map((issue) => describeIssue(issue, where)) });
    }
    if (error instanceof AppError) {
      if (error instanceof ValidationError) return reply.code(422).send({ errors: error.problems });
      if (error instanceof UnauthorizedError) return reply.code(401).send({ errors: [error.message] });
      if (error instanceof NotFoundError) return reply.code(404).send({ error: error.message });
      if (error instanceof TooManyRequestsError) {
        return reply.code(429).header("retry-after", String(error.retryAfterS)).send({ error: error.message });
      }
      if (error instanceof PlanLimitError) return reply.code(error.status).send({ error: error.message });
      if (error instanceof UnprocessableError) return reply.code(422).send({ error: error.message });
    }
    const known = error.code ? requestErrors[error.code] : undefined;
    if (known) {
      const [status, message] = known(request, bodyLimit);
      return reply.code(status).send({ error: message });
    }
    if (error instanceof SyntaxError) return reply.code(400).send({ error: "Malformed JSON in request body" });
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send({ error: error.message });
    request.log.error({ err: error }, "unhandled error");
    return reply.code(500).send({ error: "Internal server error" });
  });
}
