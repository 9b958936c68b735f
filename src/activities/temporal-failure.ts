// How a provider failure leaves an activity: as an ApplicationFailure Temporal understands, so a
// permanent one is never retried and a provider's Retry-After sets the next try.
import { ApplicationFailure } from '@temporalio/activity';
import { UpstreamError } from '../errors';

export function asTemporalFailure(err: unknown): never {
  if (err instanceof UpstreamError) {
    throw ApplicationFailure.create({
      message: `${err.code}: ${err.message}`,
      type: err.code,
      nonRetryable: !err.retryable,
      ...(err.details.retryAfterMs ? { nextRetryDelay: err.details.retryAfterMs } : {}),
    });
  }
  throw err;
}
