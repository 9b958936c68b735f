// Claude (https://docs.claude.com/en/api/errors): 429 with retry-after, 529 overloaded, other 5xx
// and connection failures are transient. A 429 without retry-after is a spend or usage cap that
// waiting minutes will not lift, and 400/401/403/404/413 are ours to fix: all permanent.
import Anthropic from '@anthropic-ai/sdk';
import type { UpstreamError } from '../../errors';
import { retryAfterMs } from './network';
import { type CallContext, fromNetworkFailure, unknownFailure, upstream } from './upstream';

const PERMANENT_BY_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'auth_failed',
  402: 'billing_error',
  403: 'permission_denied',
  404: 'not_found',
  413: 'request_too_large',
};

export function classifyAnthropicError(ctx: CallContext, err: unknown): UpstreamError {
  if (err instanceof Anthropic.APIConnectionError) {
    return (
      fromNetworkFailure('anthropic', ctx, err) ??
      upstream('anthropic', ctx, { code: 'connection_error', retryable: true }, err.message, err)
    );
  }
  if (!(err instanceof Anthropic.APIError) || err.status === undefined) {
    return fromNetworkFailure('anthropic', ctx, err) ?? unknownFailure('anthropic', ctx, err);
  }
  const httpStatus = err.status;
  const message = err.message;
  if (httpStatus === 429) {
    const wait = retryAfterMs(err.headers);
    return wait === undefined
      ? upstream('anthropic', ctx, { code: 'quota_exhausted', retryable: false, httpStatus }, message, err)
      : upstream(
          'anthropic',
          ctx,
          { code: 'rate_limited', retryable: true, retryAfterMs: wait, httpStatus },
          message,
          err,
        );
  }
  if (httpStatus === 529)
    return upstream('anthropic', ctx, { code: 'overloaded', retryable: true, httpStatus }, message, err);
  if (httpStatus >= 500)
    return upstream('anthropic', ctx, { code: 'server_error', retryable: true, httpStatus }, message, err);
  return upstream(
    'anthropic',
    ctx,
    { code: PERMANENT_BY_STATUS[httpStatus] ?? `http_${httpStatus}`, retryable: false, httpStatus },
    message,
    err,
  );
}
