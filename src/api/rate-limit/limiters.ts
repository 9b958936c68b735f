// The API's rate limiters, counted in Postgres (table rate_limits) so every web instance shares
// them, and exact under concurrency (the library's upsert takes the row's lock). The table is
// unlogged and the limiter's connections commit asynchronously: a count never waits for a WAL
// flush. The two limits every request takes (per IP, per tenant) report to Postgres in batches
// rather than once per request (batched-limiter.ts; docs/performance.md). Each limiter has an
// in-memory stand-in that takes over while Postgres does not answer: limits then hold per
// instance instead of failing every request.
import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import type { Config } from '../../config';
import type { Logger } from '../../observability/logger';
import { BatchedRateLimiter } from './batched-limiter';

export interface RateLimits {
  /** Every request, per client IP. */
  ip: BatchedRateLimiter;
  /** Authenticated requests, per tenant. */
  tenant: BatchedRateLimiter;
  /** Failed logins per account (a hash of the email) and IP, per IP, and per account. */
  loginAccountIp: RateLimiterPostgres;
  loginIp: RateLimiterPostgres;
  loginAccount: RateLimiterPostgres;
  windowSeconds: { ip: number; tenant: number };
}

const TABLE = 'rate_limits';

export function createRateLimits(config: Config, logger: Logger): RateLimits {
  // rate-limiter-flexible speaks node-postgres: a pool of its own, as large as the API's (every
  // request takes one or two points, so 4 connections queued requests under load). Idle
  // connections close quickly and never keep the process alive. synchronous_commit=off: a
  // counter's commit returns before its WAL record reaches disk; a crash may lose the last few
  // increments, which for a rate limit only means a slightly fresher window.
  const pool = new pg.Pool({
    connectionString: config.database.url,
    options: '-c synchronous_commit=off',
    max: config.database.poolSize,
    idleTimeoutMillis: 1_000,
    connectionTimeoutMillis: 2_000,
    allowExitOnIdle: true,
  });
  pool.on('error', (err) => logger.warn({ err: { message: err.message } }, 'rate limit store connection error'));

  const limiter = (keyPrefix: string, points: number, duration: number) => {
    return new RateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      tableName: TABLE,
      tableCreated: true, // by the migration, as the owner role; the app role cannot create tables
      // The library's own purge is a 5-minute timer per limiter that nothing can stop, so a
      // closed app (a test, a draining instance) would still query a pool it no longer owns.
      // Expired counters are purged by the housekeeping workflow instead.
      clearExpiredByTimeout: false,
      keyPrefix,
      points,
      duration,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
    });
  };

  const { ip, tenant, login } = config.rateLimit;
  return {
    // Every request takes these two: counted in batches (batched-limiter.ts). Logins stay exact.
    ip: new BatchedRateLimiter(limiter('api-ip', ip.points, ip.windowSeconds), logger),
    tenant: new BatchedRateLimiter(limiter('api-tenant', tenant.points, tenant.windowSeconds), logger),
    loginAccountIp: limiter('login-account-ip', login.maxFailuresPerAccountIp, login.windowSeconds),
    loginIp: limiter('login-ip', login.maxFailuresPerIp, login.windowSeconds),
    loginAccount: limiter('login-account', login.maxFailuresPerAccount, login.windowSeconds),
    windowSeconds: { ip: ip.windowSeconds, tenant: tenant.windowSeconds },
  };
}
