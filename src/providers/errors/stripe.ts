// Stripe (https://docs.stripe.com/error-handling): card errors and invalid requests are the
// caller's to fix; 429, 5xx and connection failures are safe to retry because every write we
// make carries an idempotency key, so a replay returns the first result instead of a second charge.
import Stripe from 'stripe';
import type { UpstreamError } from '../../errors';
import { retryAfterMs } from './network';
import { type CallContext, fromNetworkFailure, unknownFailure, upstream } from './upstream';

export function classifyStripeError(ctx: CallContext, err: unknown): UpstreamError {
  if (!(err instanceof Stripe.errors.StripeError))
    return fromNetworkFailure('stripe', ctx, err) ?? unknownFailure('stripe', ctx, err);
  const httpStatus = err.statusCode;
  const base = { ...(httpStatus ? { httpStatus } : {}) };
  const message = err.message;
  const permanent = (code: string) => upstream('stripe', ctx, { ...base, code, retryable: false }, message, err);
  const retryable = (code: string, ambiguous: boolean) => {
    const wait = retryAfterMs(err.headers);
    return upstream(
      'stripe',
      ctx,
      {
        ...base,
        code,
        retryable: true,
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
        ...(ambiguous && ctx.creates ? { ambiguous: true } : {}),
      },
      message,
      err,
    );
  };

  if (err instanceof Stripe.errors.StripeConnectionError) {
    return fromNetworkFailure('stripe', ctx, err) ?? retryable('connection_error', true);
  }
  if (err instanceof Stripe.errors.StripeCardError) return permanent(err.code ?? 'card_declined');
  if (err instanceof Stripe.errors.StripeRateLimitError || httpStatus === 429) {
    // Stripe reports some lock contention as 429 with code lock_timeout: also worth another try.
    return retryable('rate_limited', false);
  }
  if (err instanceof Stripe.errors.StripeIdempotencyError) return permanent('idempotency_key_reused');
  if (err instanceof Stripe.errors.StripeAuthenticationError) return permanent('auth_failed');
  if (err instanceof Stripe.errors.StripePermissionError) return permanent('permission_denied');
  if (err instanceof Stripe.errors.StripeAPIError || (httpStatus !== undefined && httpStatus >= 500)) {
    return retryable('server_error', true);
  }
  if (httpStatus === 409 && err.code === 'lock_timeout') return retryable('lock_timeout', false);
  if (err instanceof Stripe.errors.StripeInvalidRequestError) {
    return permanent(err.code === 'resource_missing' ? 'not_found' : 'invalid_request');
  }
  return permanent(httpStatus ? `http_${httpStatus}` : 'stripe_error');
}
