// Rate limits with the IETF RateLimit headers on every limited response, and 429 problem+json
// with Retry-After once a limit is spent.
import type { Next } from 'koa';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '../../errors';
import type { AppContext } from '../context';
import { limitedPerIp } from '../rate-limit/per-ip-paths';

/** The counter that is closest to its limit decides what the headers say. */
export function setRateLimitHeaders(ctx: AppContext, limit: number, windowSeconds: number, res: RateLimiterRes): void {
  const remaining = Math.max(0, res.remainingPoints);
  const shown = ctx.response.get('RateLimit-Remaining');
  if (shown !== '' && Number(shown) <= remaining) return;
  ctx.set('RateLimit-Limit', String(limit));
  ctx.set('RateLimit-Remaining', String(remaining));
  ctx.set('RateLimit-Reset', String(Math.max(0, Math.ceil(res.msBeforeNext / 1000))));
  ctx.set('RateLimit-Policy', `${limit};w=${windowSeconds}`);
}

export function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/**
 * Takes one point for `key`; throws RateLimitedError when none is left. Errors of the store
 * itself never reach here: the in-memory insurance limiter answers instead.
 */
/** What the middleware needs of a limiter: rate-limiter-flexible's own and BatchedRateLimiter alike. */
export interface PointLimiter {
  readonly points: number;
  consume(key: string): Promise<RateLimiterRes>;
}

export async function consumePoint(
  ctx: AppContext,
  limiter: PointLimiter,
  key: string,
  windowSeconds: number,
  what: string,
): Promise<void> {
  try {
    const res = await limiter.consume(key);
    setRateLimitHeaders(ctx, limiter.points, windowSeconds, res);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    setRateLimitHeaders(ctx, limiter.points, windowSeconds, rejection);
    throw new RateLimitedError(`Too many requests ${what}; try again later`, retryAfterSeconds(rejection));
  }
}

/** Every API request, per client IP (behind TRUST_PROXY_HOPS proxies), but for limitedPerIp's exemptions. */
export function rateLimitByIp(limiter: PointLimiter, windowSeconds: number) {
  return async function rateLimitByIpMiddleware(ctx: AppContext, next: Next): Promise<void> {
    if (!limitedPerIp(ctx.path)) return next();
    await consumePoint(ctx, limiter, ctx.ip, windowSeconds, 'from this address');
    return next();
  };
}

/** Authenticated requests, per tenant; after authenticate. */
export function rateLimitByTenant(limiter: PointLimiter, windowSeconds: number) {
  return async function rateLimitByTenantMiddleware(ctx: AppContext, next: Next): Promise<void> {
    const tenantId = ctx.state.auth?.tenantId;
    if (!tenantId) throw new Error('rateLimitByTenant runs after authenticate');
    await consumePoint(ctx, limiter, tenantId, windowSeconds, 'for this business');
    return next();
  };
}
