import { maxHeaderSize, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import {
  AppError,
  BadRequestError,
  LibraryInstalledError,
  NotFoundError,
  PlanLimitError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  UnprocessableError,
  ValidationError,
} from "../../errors.js";
import { vanishedRow } from "../../db/vanished-row.js";
import type { PageFallback } from "./dashboard.js";
import { describeIssue } from "../validation-messages.js";
import { methodsAt } from "../route-table.js";

/** Why a body's type is refused: the media type it named (without parameters, short enough to repeat), or none. */
function unsupportedType(request: FastifyRequest): string {
  const header = request.headers["content-type"];
  if (header === undefined) return "A request body needs Content-Type: application/json";
  return `Unsupported content type '${header.split(";")[0]!.trim().slice(0, 100)}'; send application/json`;
}

// Fastify's own request errors, in the contract's shapes: what went wrong and what to send
// instead. None repeats the URL, which may carry an api key.
const requestErrors: Record<string, (request: FastifyRequest, bodyLimit: number) => [number, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (request) => [415, unsupportedType(request)],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => [400, "Content-Length does not match the body"],
  FST_ERR_CTP_BODY_TOO_LARGE: (_, bodyLimit) => [413, `Request body is too large (the limit is ${bodyLimit} bytes)`],
  FST_ERR_CTP_EMPTY_JSON_BODY: () => [400, "Request body is empty; send a JSON object or no Content-Type"],
  FST_ERR_CTP_INVALID_JSON_BODY: () => [400, "Malformed JSON in request body"],
  FST_ERR_BAD_URL: () => [400, "Malformed URL: a percent-encoded character is not valid"],
  FST_ERR_MAX_PARAM_LENGTH: () => [414, "A segment of the URL path is too long"],
};

/** Answers any failure in the contract's shapes; anything unexpected is logged and a bare 500. */
function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, bodyLimit: number): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? "body";
    // Two checks can fail with one sentence (a number past 2^53 is too big and not a safe integer): each is said once.
    return reply.code(422).send({ errors: [...new Set(error.validation.map((issue) => describeIssue(issue, where)))] });
  }
  if (error instanceof AppError) {
    if (error instanceof ValidationError) return reply.code(422).send({ errors: error.problems });
    if (error instanceof UnauthorizedError) return reply.code(401).send({ errors: [error.message] });
    if (error instanceof NotFoundError) return reply.code(404).send({ error: error.message });
    if (error instanceof TooManyRequestsError) {
      return reply.code(429).header("retry-after", String(error.retryAfterS)).send({ error: error.message });
    }
    if (error instanceof PlanLimitError) return reply.code(error.status).send({ error: error.message });
    if (error instanceof UnprocessableError) return reply.code(422).send({ errors: [error.message] });
    if (error instanceof LibraryInstalledError) return reply.code(422).send({ error: error.message });
    if (error instanceof BadRequestError) return reply.code(400).send({ error: error.message });
    if (error instanceof UnsupportedMediaTypeError) return reply.code(415).send({ error: error.message });
  }
  const known = error.code ? requestErrors[error.code] : undefined;
  if (known) {
    const [status, message] = known(request, bodyLimit);
    return reply.code(status).send({ error: message });
  }
  if (error instanceof SyntaxError) return reply.code(400).send({ error: "Malformed JSON in request body" });
  const vanished = vanishedRow(error);
  if (vanished) return reply.code(404).send({ error: vanished });
  const status = error.statusCode ?? 500;
  // Another framework error: its own message may quote the request, so only its status is told.
  if (status >= 400 && status < 500) return reply.code(status).send({ error: STATUS_CODES[status] ?? "Bad request" });
  request.log.error({ err: error }, "unhandled error");
  return reply.code(500).send({ error: "Internal server error" });
}

/** Writes a contract-shaped error straight to a socket whose request Node could not parse. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, message] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, `Request headers are too large (the limit is ${maxHeaderSize} bytes)`]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "The request took too long to arrive"]
        : [400, "Malformed HTTP request"];
  const body = JSON.stringify({ error: message });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/**
 * The Fastify options that answer the errors raised before any route runs (a URL the router
 * cannot decode, a path segment past its limit, a request Node cannot parse) in the contract's
 * shapes too, instead of Fastify's defaults, which repeat the URL with its api key.
 */
export function errorOptions(bodyLimit: number): Pick<FastifyServerOptions, "frameworkErrors" | "clientErrorHandler"> {
  return {
    frameworkErrors: (error, request, reply) => answerError(error, request, reply, bodyLimit),
    clientErrorHandler: answerClientError,
  };
}

/**
 * Turns every failure into the contract's shapes: 422 `{"errors": [...]}`, 401
 * `{"errors": [...]}`, other 4xx `{"error": "..."}`. Anything unexpected is logged and
 * answered with a bare 500, never with its details.
 */
export function registerErrorHandling(app: FastifyInstance, bodyLimit: number, pageFallback?: PageFallback): void {
  // The path is not repeated: a mistyped one may hold a token.
  app.setNotFoundHandler((request, reply) => {
    if (pageFallback?.(request, reply)) return;
    const allowed = app.hasDecorator("routeTable") ? methodsAt(app.routeTable, request.url.split("?")[0]!) : [];
    // A route that found nothing (a missing static file) hands its request here too: that is a 404.
    if (allowed.length > 0 && !allowed.includes(request.method)) return reply.code(405).header("allow", allowed.join(", ")).send({ error: `Method not allowed: this path takes ${allowed.join(", ")}` });
    reply.code(404).send({ error: `Not found: no ${request.method} route at this path` });
  });
  app.setErrorHandler((error: FastifyError, request, reply) => answerError(error, request, reply, bodyLimit));
}
