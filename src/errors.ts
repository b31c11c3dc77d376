/**
 * Failures a caller can act on. The API maps each class to the contract's status and body
 * shape; anything else is a bug and becomes a 500.
 */
export class AppError extends Error {}

/** 422 `{"errors": [...]}`: one readable sentence per problem. */
export class ValidationError extends AppError {
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
  }
}

/** 404 `{"error": "<Resource> not found"}`; also for another user's resource. */
export class NotFoundError extends AppError {
  constructor(resource: string) {
    super(`${resource} not found`);
  }
}

/** 401 with the contract's sign-in message, or another given one. */
export class UnauthorizedError extends AppError {
  constructor(message = "You need to sign in or sign up before continuing.") {
    super(message);
  }
}

/** 429 `{"error": ...}` with `Retry-After`. */
export class TooManyRequestsError extends AppError {
  constructor(
    readonly retryAfterS: number,
    message = `Too many attempts. Try again in ${retryAfterS} seconds.`,
  ) {
    super(message);
  }
}

/** 402 (quota used up) or 403 (the plan does not include it), `{"error": ...}`. */
export class PlanLimitError extends AppError {
  constructor(message: string, readonly status: 402 | 403 = 403) {
    super(message);
  }
}

/**
 * 422 `{"errors": [...]}`, as a validation failure: a request that is well-formed but cannot be
 * done now. Clients read that one shape on a 422 (spec/api.md), whatever the reason.
 */
export class UnprocessableError extends AppError {}

/** 422 `{"error": "Library already installed"}`: the one 422 the contract spells with `error` (spec/api.md, Install Lib). */
export class LibraryInstalledError extends AppError {
  constructor() {
    super("Library already installed");
  }
}

/** 400 `{"error": ...}`: a request the API cannot read (a body nested too deeply, a forbidden key). */
export class BadRequestError extends AppError {}

/** 415 `{"error": ...}`: a body sent in a form the API does not read (another charset, compressed). */
export class UnsupportedMediaTypeError extends AppError {}
