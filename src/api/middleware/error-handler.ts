// First in the chain: every thrown error becomes problem+json. Only AppErrors speak to the
// client; anything else is a 500 with a generic detail (no stack, no message that might carry a
// secret), logged in full with the request id.
import type { Next } from 'koa';
import { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../../db/unavailable';
import { AppError, RateLimitedError, ValidationError, type FieldProblem } from '../../errors';
import type { AppContext } from '../context';
import { sendProblem } from '../problem';
import { isTemporalUnreachable } from '../temporal-unavailable';
import { zodIssuesToProblems } from '../validation';

const TEMPORAL_RETRY_AFTER_S = 5;

/** Errors from co-body/raw-body carry an http status and a type. */
interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

export function errorHandler() {
  return async function errorHandlerMiddleware(ctx: AppContext, next: Next): Promise<void> {
    try {
      await next();
    } catch (err) {
      if (err instanceof ValidationError) {
        sendProblem(ctx, {
          type: err.type,
          title: err.title,
          status: err.status,
          detail: err.message,
          errors: err.errors,
        });
        return;
      }
      if (err instanceof ZodError) {
        const errors = zodIssuesToProblems(err.issues);
        sendProblem(ctx, {
          type: 'validation',
          title: 'Validation failed',
          status: 422,
          detail: 'The request does not match the schema',
          errors,
        });
        return;
      }
      if (err instanceof AppError && (err.status < 500 || err.status === 503)) {
        if (err instanceof RateLimitedError) ctx.set('Retry-After', String(err.retryAfterSeconds));
        // Some 4xx name the field at fault too (e.g. a 409 on an email already registered).
        const errors = 'errors' in err && Array.isArray(err.errors) ? (err.errors as FieldProblem[]) : undefined;
        sendProblem(ctx, {
          type: err.type,
          title: err.title,
          status: err.status,
          detail: err.message,
          ...(errors ? { errors } : {}),
        });
        return;
      }
      const httpErr = err as HttpLikeError;
      const status = httpErr.status ?? httpErr.statusCode;
      if (status === 400 || status === 413 || status === 415) {
        const detail =
          status === 413
            ? 'The request body is larger than the limit'
            : status === 415
              ? 'Unsupported content type'
              : httpErr.type === 'encoding.unsupported'
                ? 'Unsupported content encoding'
                : 'The request body is not valid JSON';
        const title = status === 413 ? 'Payload too large' : status === 415 ? 'Unsupported media type' : 'Bad request';
        const type = status === 413 ? 'payload-too-large' : status === 415 ? 'unsupported-media-type' : 'bad-request';
        sendProblem(ctx, { type, title, status, detail });
        return;
      }
      // A route reaching the pool outside the tenant transaction (sign-in, webhooks), or a
      // connection Postgres dropped mid-request: the database is down, not the request wrong.
      if (isDatabaseUnavailable(err)) {
        ctx.state.log.warn({ err: { message: (err as Error).message } }, 'database unavailable');
        sendProblem(ctx, {
          type: 'service-unavailable',
          title: 'Service unavailable',
          status: 503,
          detail: 'The database is unavailable',
        });
        return;
      }
      if (isTemporalUnreachable(err)) {
        ctx.state.log.warn({ err: { message: (err as Error).message } }, 'Temporal unreachable');
        ctx.set('Retry-After', String(TEMPORAL_RETRY_AFTER_S));
        sendProblem(ctx, {
          type: 'service-unavailable',
          title: 'Service unavailable',
          status: 503,
          detail: 'Temporal is not reachable; try again shortly',
        });
        return;
      }
      ctx.state.log.error({ err }, 'unhandled error');
      sendProblem(ctx, {
        type: 'internal',
        title: 'Internal server error',
        status: 500,
        detail: 'Something went wrong; quote the request id when reporting it',
      });
    }
  };
}
