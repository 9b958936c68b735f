// Twilio (https://www.twilio.com/docs/api/errors). Message create has no idempotency key, so an
// answer lost after the request went out (a 5xx, a timeout, a reset) is "maybe sent": never
// retried blindly, the caller decides (a second SMS costs money and trust).
import twilio from 'twilio';
import { TWILIO_PERMANENT_CODES } from '../../domain/sms';
import type { UpstreamError } from '../../errors';
import { networkFailure } from './network';
import { type CallContext, describe, fromNetworkFailure, unknownFailure, upstream } from './upstream';

interface RestExceptionLike {
  status: number;
  code?: number;
  message: string;
  moreInfo?: string;
}

export function classifyTwilioError(ctx: CallContext, err: unknown): UpstreamError {
  if (!isRestException(err)) {
    const kind = networkFailure(err);
    if (kind && ctx.creates && kind !== 'connection_refused') {
      return upstream('twilio', ctx, { code: 'maybe_sent', retryable: false, ambiguous: true }, describe(err), err);
    }
    return fromNetworkFailure('twilio', ctx, err) ?? unknownFailure('twilio', ctx, err);
  }
  const httpStatus = err.status;
  const twilioCode = err.code;
  const message = `${twilioCode ? `${twilioCode} ` : ''}${err.message}`;
  if (httpStatus === 429 || twilioCode === 20429) {
    return upstream('twilio', ctx, { code: 'rate_limited', retryable: true, httpStatus }, message, err);
  }
  if (httpStatus >= 500) {
    return ctx.creates
      ? upstream('twilio', ctx, { code: 'maybe_sent', retryable: false, ambiguous: true, httpStatus }, message, err)
      : upstream('twilio', ctx, { code: 'server_error', retryable: true, httpStatus }, message, err);
  }
  const code =
    (twilioCode !== undefined ? TWILIO_PERMANENT_CODES[twilioCode] : undefined) ??
    (httpStatus === 401 ? 'auth_failed' : 'rejected');
  return upstream('twilio', ctx, { code, retryable: false, httpStatus }, message, err);
}

function isRestException(err: unknown): err is RestExceptionLike {
  return err instanceof twilio.RestException;
}
