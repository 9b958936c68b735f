// OpenAI (https://platform.openai.com/docs/guides/error-codes): like Claude's, a 429 with
// retry-after, any 5xx and connection failures are transient; a 429 without retry-after is a
// spent quota, and 400/401/403/404 are ours to fix: permanent.
import OpenAI from 'openai';
import type { UpstreamError } from '../../errors';
import { retryAfterMs } from './network';
import { type CallContext, fromNetworkFailure, unknownFailure, upstream } from './upstream';

const PERMANENT_BY_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'auth_failed',
  403: 'permission_denied',
  404: 'not_found',
  413: 'request_too_large',
  422: 'invalid_request',
};

export function classifyOpenAIError(ctx: CallContext, err: unknown): UpstreamError {
  if (err instanceof OpenAI.APIConnectionError) {
    return (
      fromNetworkFailure('openai', ctx, err) ??
      upstream('openai', ctx, { code: 'connection_error', retryable: true }, err.message, err)
    );
  }
  if (!(err instanceof OpenAI.APIError) || err.status === undefined) {
    return fromNetworkFailure('openai', ctx, err) ?? unknownFailure('openai', ctx, err);
  }
  const httpStatus = err.status;
  const message = err.message;
  if (httpStatus === 429) {
    const wait = retryAfterMs(err.headers);
    return wait === undefined
      ? upstream('openai', ctx, { code: 'quota_exhausted', retryable: false, httpStatus }, message, err)
      : upstream(
          'openai',
          ctx,
          { code: 'rate_limited', retryable: true, retryAfterMs: wait, httpStatus },
          message,
          err,
        );
  }
  if (httpStatus >= 500)
    return upstream('openai', ctx, { code: 'server_error', retryable: true, httpStatus }, message, err);
  return upstream(
    'openai',
    ctx,
    { code: PERMANENT_BY_STATUS[httpStatus] ?? `http_${httpStatus}`, retryable: false, httpStatus },
    message,
    err,
  );
}
