// Gmail, Calendar and Google's OAuth token endpoint (googleapis / gaxios errors), following
// https://developers.google.com/gmail/api/guides/handle-errors and the Calendar equivalent:
// 429, 5xx and 403 rate limits are retried with backoff; 400, a revoked or expired grant and
// missing scopes need a person (reauth), not another attempt.
import type { UpstreamError } from '../../errors';
import { retryAfterMs } from './network';
import {
  type CallContext,
  describe,
  fromNetworkFailure,
  type ProviderName,
  unknownFailure,
  upstream,
} from './upstream';

const RATE_LIMIT_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'backendError',
  'concurrentLimitExceeded',
]);
const REAUTH_REASONS = new Set(['insufficientPermissions', 'authError']);

interface GoogleErrorBody {
  error?:
    | string
    | {
        code?: number;
        message?: string;
        status?: string;
        errors?: { reason?: string; message?: string }[];
        details?: { reason?: string }[];
      };
  error_description?: string;
}

export interface GoogleCallContext extends CallContext {
  /** history.list: a 404 means the start id is too old and the mailbox needs a full sync. */
  history?: boolean;
  /** events.list with a syncToken: a 410 means the token is no longer valid and a full sync is needed. */
  syncToken?: boolean;
}

export function classifyGoogleError(
  provider: Extract<ProviderName, 'gmail' | 'calendar' | 'google-oauth'>,
  ctx: GoogleCallContext,
  err: unknown,
): UpstreamError {
  const response = isGaxios(err) ? err.response : undefined;
  if (!response) return fromNetworkFailure(provider, ctx, err) ?? unknownFailure(provider, ctx, err);

  const status = response.status;
  const body = (typeof response.data === 'object' && response.data !== null ? response.data : {}) as GoogleErrorBody;
  // The token endpoint answers in OAuth's format ({error: "invalid_grant"}), the APIs in Google's.
  const oauthError = typeof body.error === 'string' ? body.error : undefined;
  const apiError = typeof body.error === 'object' ? body.error : undefined;
  const reasons = [
    ...(apiError?.errors ?? []).map((e) => e.reason),
    ...(apiError?.details ?? []).map((d) => d.reason),
  ].filter((r): r is string => typeof r === 'string');
  const message = apiError?.message ?? body.error_description ?? oauthError ?? describe(err);
  const base = { httpStatus: status };
  const permanent = (code: string) => upstream(provider, ctx, { ...base, code, retryable: false }, message, err);

  if (oauthError === 'invalid_grant' || oauthError === 'unauthorized_client' || oauthError === 'invalid_client') {
    return permanent('reauth_required');
  }
  if (status === 429 || (status === 403 && reasons.some((r) => RATE_LIMIT_REASONS.has(r)))) {
    const wait = retryAfterMs(response.headers);
    return upstream(
      provider,
      ctx,
      { ...base, code: 'rate_limited', retryable: true, ...(wait !== undefined ? { retryAfterMs: wait } : {}) },
      message,
      err,
    );
  }
  if (status >= 500) {
    return upstream(
      provider,
      ctx,
      { ...base, code: 'server_error', retryable: true, ...(ctx.creates ? { ambiguous: true } : {}) },
      message,
      err,
    );
  }
  if (status === 401 || (status === 403 && reasons.some((r) => REAUTH_REASONS.has(r))))
    return permanent('reauth_required');
  if (status === 403 && reasons.includes('dailyLimitExceeded')) return permanent('daily_limit_exceeded');
  if (status === 403) return permanent('forbidden');
  if (status === 404) return permanent(ctx.history ? 'history_too_old' : 'not_found');
  if (status === 409) return permanent('already_exists');
  if (status === 410)
    return permanent(ctx.syncToken || reasons.includes('fullSyncRequired') ? 'full_sync_required' : 'gone');
  // events.watch with a channel id that is live: an earlier attempt made the channel.
  if (status === 400 && reasons.includes('channelIdNotUnique')) return permanent('already_exists');
  if (status === 400 && reasons.includes('failedPrecondition')) return permanent('failed_precondition');
  if (status === 400 || status === 413) return permanent('bad_request');
  return permanent(`http_${status}`);
}

const GAXIOS_ERROR = Symbol.for('gaxios-gaxios-error');

interface GaxiosLike {
  response?: {
    status: number;
    data?: unknown;
    headers?: { get(name: string): string | null } | Record<string, unknown>;
  };
}

function isGaxios(err: unknown): err is GaxiosLike {
  // Duck-typed: googleapis-common and google-auth-library each load their own copy of gaxios,
  // so instanceof against any one of them misses the others' errors.
  return typeof err === 'object' && err !== null && GAXIOS_ERROR in err;
}
