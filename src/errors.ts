// The application's error tree. Routes and activities throw these; one middleware maps them to
// problem+json, and the provider layer maps SDK failures to UpstreamError{retryable}.

export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly type: string;
  abstract readonly title: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  readonly status = 400;
  readonly type = 'bad-request';
  readonly title = 'Bad request';
}

export class ValidationError extends AppError {
  readonly status = 422;
  readonly type = 'validation';
  readonly title = 'Validation failed';
  constructor(
    readonly errors: readonly FieldProblem[],
    message = `Invalid ${errors.map((e) => e.path || '(body)').join(', ')}`,
  ) {
    super(message);
  }
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly type = 'unauthorized';
  readonly title = 'Unauthorized';
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly type = 'forbidden';
  readonly title = 'Forbidden';
}

/** Unknown ids and other tenants' ids alike: existence is never leaked. */
export class NotFoundError extends AppError {
  readonly status = 404;
  readonly type = 'not-found';
  readonly title = 'Not found';
}

export class MethodNotAllowedError extends AppError {
  readonly status = 405;
  readonly type = 'method-not-allowed';
  readonly title = 'Method not allowed';
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly type = 'conflict';
  readonly title = 'Conflict';
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly type = 'unsupported-media-type';
  readonly title = 'Unsupported media type';
}

export class RateLimitedError extends AppError {
  readonly status = 429;
  readonly type = 'rate-limited';
  readonly title = 'Too many requests';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A dependency (database, Temporal, an integration) is down or not configured. */
export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly type = 'service-unavailable';
  readonly title = 'Service unavailable';
}

/**
 * A provider call failed. `retryable` decides whether Temporal tries again; `code` is a stable
 * name the business logic can act on (e.g. `reauth_required`, `recipient_opted_out`).
 */
export class UpstreamError extends AppError {
  readonly status = 502;
  readonly type = 'upstream';
  readonly title = 'Upstream provider error';
  constructor(
    message: string,
    readonly details: {
      provider: string;
      code: string;
      retryable: boolean;
      retryAfterMs?: number;
      httpStatus?: number;
      /** The request may have taken effect (timeout, 5xx on create): check before resending. */
      ambiguous?: boolean;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  get retryable(): boolean {
    return this.details.retryable;
  }
  get code(): string {
    return this.details.code;
  }
}
