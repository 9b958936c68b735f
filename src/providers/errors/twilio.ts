// Twilio (https://www.twilio.com/docs/api/errors). Message create has no idempotency key, so an
// answer lost after the request went out (a 5xx, a timeout, a reset) is "maybe sent": never
// retried blindly, the caller decides (a second SMS costs money and trust).
import twilio from 'twilio';
import type { UpstreamError } from '../../errors';
import { networkFailure } from './network';
import { type CallContext, describe, fromNetworkFailure, unknownFailure, upstream } from './upstream';

/** Twilio error codes the business logic acts on; anything else in 4xx is a permanent rejection. */
const PERMANENT_CODES: Record<number, string> = {
  21610: 'recipient_opted_out', // the recipient replied STOP
  21211: 'invalid_number', // not a valid phone number
  21614: 'not_mobile_number', // valid number, cannot receive SMS
  21635: 'not_mobile_number', // landline number
  30006: 'unreachable_number', // landline or unreachable carrier
  21408: 'region_not_enabled', // geo permission missing for the destination
  21606: 'invalid_sender', // From is not an SMS-capable number of the account
  20003: 'auth_failed',
};

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
  const code = (twilioCode !== undefined ? PERMANENT_CODES[twilioCode] : undefined) ?? (httpStatus === 401 ? 'auth_failed' : 'rejected');
  return upstream('twilio', ctx, { code, retryable: false, httpStatus }, message, err);
}

/** The same codes arrive later in status callbacks (ErrorCode on an undelivered message). */
export function twilioDeliveryErrorCode(errorCode: number | string): string {
  return PERMANENT_CODES[Number(errorCode)] ?? 'undelivered';
}

function isRestException(err: unknown): err is RestExceptionLike {
  return err instanceof twilio.RestException;
}
