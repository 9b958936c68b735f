// The per-IP and per-tenant limits count on each instance's view and report to Postgres in
// batches. Two sets of limiters over the same table stand for two web instances; the shared count
// is read back from the table itself.
import { randomUUID } from 'node:crypto';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { exactMargin, type BatchedRateLimiter } from '../../../src/api/rate-limit/batched-limiter';
import { createRateLimits } from '../../../src/api/rate-limit/limiters';
import { sql } from '../../../src/db/sql';
import { createLogger } from '../../../src/observability/logger';
import { testConfig } from '../../helpers/config';
import { createAppPool } from '../../helpers/db';
import { pollUntil } from '../../helpers/eventually';

const POINTS = 100;
const logger = createLogger({ name: 'test', level: 'silent', pretty: false });
const instance = () =>
  createRateLimits(
    testConfig({ RATE_LIMIT_TENANT_POINTS: String(POINTS), RATE_LIMIT_TENANT_WINDOW_SECONDS: '600' }),
    logger,
  ).tenant;

let pool: DatabasePool;
beforeAll(async () => {
  pool = await createAppPool(testConfig().database.url);
});
afterAll(() => pool.end());

async function sharedCount(key: string): Promise<number> {
  const row = await pool.maybeOne(
    sql.type(z.object({ points: z.number() }))`SELECT points FROM rate_limits WHERE key = ${`api-tenant:${key}`}`,
  );
  return row?.points ?? 0;
}

async function outcomes(
  limiter: BatchedRateLimiter,
  key: string,
  n: number,
): Promise<{ passed: number; refused: number }> {
  const results = await Promise.allSettled(Array.from({ length: n }, () => limiter.consume(key)));
  for (const r of results) if (r.status === 'rejected' && !(r.reason instanceof RateLimiterRes)) throw r.reason;
  const passed = results.filter((r) => r.status === 'fulfilled').length;
  return { passed, refused: n - passed };
}

it('two instances share one count: far from the limit each counts on its view, near it each request asks Postgres', async () => {
  const key = randomUUID();
  const [web1, web2] = [instance(), instance()];
  const margin = exactMargin(POINTS);

  // One at a time: the first request of the window is counted in Postgres, the rest on the view.
  for (let i = 0; i < 45; i++) await web1.consume(key);
  for (let i = 0; i < 45; i++) await web2.consume(key);
  expect(await sharedCount(key)).toBe(2);
  await Promise.all([web1.flush(), web2.flush()]);
  expect(await sharedCount(key)).toBe(90);

  // Both views now hold the shared 90: the last ten are within the margin, so each is counted
  // in Postgres whichever instance takes it, and the 101st is refused on both.
  expect(POINTS - 90).toBeLessThanOrEqual(margin);
  for (let i = 0; i < 10; i++) await (i % 2 ? web1 : web2).consume(key);
  expect(await sharedCount(key)).toBe(100);
  await expect(web1.consume(key)).rejects.toBeInstanceOf(RateLimiterRes);
  await expect(web2.consume(key)).rejects.toMatchObject({ remainingPoints: 0 });
});

it('what a view let through reaches Postgres within a report, and the other instance sees it there', async () => {
  const key = randomUUID();
  const [web1, web2] = [instance(), instance()];
  await web1.consume(key);
  for (let i = 0; i < 80; i++) await web1.consume(key);
  // Not yet flushed by hand: the timer reports on its own.
  await pollUntil(
    'the view to report',
    () => sharedCount(key),
    (n) => n === 81,
  );
  // web2 has not seen the key this window: its first request asks Postgres and adopts the 81.
  const res = await web2.consume(key);
  expect(res.consumedPoints).toBe(82);
  expect(res.remainingPoints).toBe(POINTS - 82);
});

it('many requests at once on one instance never let more than the limit through', async () => {
  const key = randomUUID();
  const web = instance();
  await web.consume(key);
  const burst = await outcomes(web, key, 150);
  expect(burst).toEqual({ passed: POINTS - 1, refused: 51 });
  await web.flush();
  // Refused requests count too, as rate-limiter-flexible's own consume counts them.
  expect(await sharedCount(key)).toBe(151);
});

it('an instance whose view is behind is corrected near the limit: it carries what it owes into its Postgres count', async () => {
  const key = randomUUID();
  const [web1, web2] = [instance(), instance()];
  await web1.consume(key);
  await web2.consume(key);
  // web2 spends most of the budget on its view; web1 has not heard of it yet.
  for (let i = 0; i < 90; i++) await web2.consume(key);
  await web2.flush();
  // web1's view says 1 of 100: it lets requests through on the view until it reports, and from
  // the report on it knows the shared 92 and goes to Postgres for each.
  await web1.consume(key);
  await web1.flush();
  const left = POINTS - (await sharedCount(key));
  expect(left).toBe(7);
  const tail = await outcomes(web1, key, 10);
  expect(tail).toEqual({ passed: 7, refused: 3 });
});
