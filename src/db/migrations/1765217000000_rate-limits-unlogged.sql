-- Up Migration

-- The rate-limit counters are written on every API request. They need to be shared by every web
-- instance and exact under concurrency (rate-limiter-flexible's upsert takes the row lock), but
-- not durable: after a Postgres crash an empty table only means every client starts a fresh
-- window. Unlogged, they skip the WAL; the limiter's own connections also commit asynchronously
-- (src/api/rate-limit/limiters.ts), so no request waits for a disk flush to be counted.
ALTER TABLE rate_limits SET UNLOGGED;

-- Down Migration
ALTER TABLE rate_limits SET LOGGED;
