// The shape every provider failure takes on its way out of src/providers: an UpstreamError whose
// `retryable` tells Temporal whether another attempt is safe and useful, and whose `code` is a
// stable name the business logic branches on.
import { UpstreamError } from '../../errors';
import { networkFailure } from './network';

export type ProviderName = 'gmail' | 'calendar' | 'google-oauth' | 'stripe' | 'twilio' | 'anthropic' | 'openai';

export interface CallContext {
  /** The SDK method, for messages and logs (e.g. `messages.send`). */
  operation: string;
  /** The call creates something: a lost answer means it may have happened. */
  creates?: boolean;
}

export function upstream(
  provider: ProviderName,
  ctx: CallContext,
  details: { code: string; retryable: boolean; retryAfterMs?: number; httpStatus?: number; ambiguous?: boolean },
  detail: string,
  cause: unknown,
): UpstreamError {
  const status = details.httpStatus ? ` (HTTP ${details.httpStatus})` : '';
  return new UpstreamError(
    `${provider} ${ctx.operation} failed${status}: ${details.code}: ${detail}`,
    { provider, ...details },
    { cause },
  );
}

/**
 * A failure with no HTTP answer. Retryable; for a create it is ambiguous unless the connection
 * was never made. Providers whose creates cannot be checked afterwards (Twilio) override this.
 */
export function fromNetworkFailure(provider: ProviderName, ctx: CallContext, err: unknown): UpstreamError | null {
  const kind = networkFailure(err);
  if (!kind) return null;
  const ambiguous = Boolean(ctx.creates) && kind !== 'connection_refused';
  return upstream(
    provider,
    ctx,
    { code: kind, retryable: true, ...(ambiguous ? { ambiguous } : {}) },
    describe(err),
    err,
  );
}

export function describe(err: unknown): string {
  if (err instanceof Error) return err.message.slice(0, 300);
  return String(err).slice(0, 300);
}

/** Anything the classifier does not recognise is permanent: retrying the unknown multiplies it. */
export function unknownFailure(provider: ProviderName, ctx: CallContext, err: unknown): UpstreamError {
  if (err instanceof UpstreamError) return err;
  return upstream(provider, ctx, { code: 'unexpected', retryable: false }, describe(err), err);
}
