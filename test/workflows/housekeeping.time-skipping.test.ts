// The long-running housekeeping workflow of earlier deploys (now the housekeeping Schedule; kept
// registered for runs still going) on the time-skipping server, with its real activity on Postgres: a
// pass at start and then every interval of (skipped) workflow time, runNow for one at once, and
// continue-as-new after its passes that keeps the last pass visible.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pg from 'pg';
import type { DatabasePool } from 'slonik';
import { createHousekeepingActivities } from '../../src/activities/housekeeping';
import { createLogger } from '../../src/observability/logger';
import { housekeepingRunNowSignal, housekeepingStatusQuery } from '../../src/workflows/housekeeping.contract';
import { housekeeping } from '../../src/workflows/housekeeping';
import { testConfig } from '../helpers/config';
import { createAppPool } from '../helpers/db';
import { recordHistory } from '../helpers/history-fixtures';
import { eventually } from '../helpers/sandbox';
import { createTimeSkippingEnv, createTestWorker } from '../helpers/temporal';

const HOUR = 3_600_000;
let env: TestWorkflowEnvironment;
let pool: DatabasePool;
let owner: pg.Client;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  pool = await createAppPool();
  owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await owner.connect();
});

afterAll(async () => {
  await env?.teardown();
  await owner?.end();
  await pool?.end();
});

it('purges at start and every interval, runs at once on runNow, and continues as new with its last pass', async () => {
  const purgeTimes: number[] = [];
  const real = createHousekeepingActivities({
    config: testConfig(),
    pool,
    logger: createLogger({ name: 'test', level: 'silent', pretty: false }),
  });
  const worker = await createTestWorker({
    connection: env.nativeConnection,
    taskQueue: 'housekeeping',
    workflowsPath: require.resolve('../../src/workflows'),
    activities: {
      async purgeExpired() {
        purgeTimes.push(await env.currentTimeMs());
        return real.purgeExpired();
      },
    },
  });
  // A counter that expired two hours ago, for the first pass to remove.
  const key = `housekeeping-test-${randomUUID()}`;
  await owner.query('INSERT INTO rate_limits (key, points, expire) VALUES ($1, 1, $2)', [key, Date.now() - 2 * HOUR]);

  const workflowId = `housekeeping-${randomUUID()}`;
  const handle = await env.client.workflow.start(housekeeping, {
    workflowId,
    taskQueue: 'housekeeping',
    args: [{ intervalMs: HOUR, passesPerRun: 3 }],
  });
  await worker.runUntil(async () => {
    const first = await eventually(async () => {
      const status = await handle.query(housekeepingStatusQuery);
      return status.passes >= 1 ? status : undefined;
    }, 10_000);
    expect(first.lastPass?.purged.rateLimits).toBeGreaterThanOrEqual(1);
    expect((await owner.query('SELECT 1 FROM rate_limits WHERE key = $1', [key])).rowCount).toBe(0);

    await handle.signal(housekeepingRunNowSignal);
    await eventually(
      async () => ((await handle.query(housekeepingStatusQuery)).passes >= 2 ? true : undefined),
      10_000,
    );
    // The third pass comes an interval after the second; an interval later the run continues
    // as new, whose first pass keeps the cadence.
    await env.sleep(HOUR + 1000);
    await eventually(async () => (purgeTimes.length >= 3 ? true : undefined), 10_000);
    await env.sleep(HOUR + 1000);
    await eventually(async () => (purgeTimes.length >= 4 ? true : undefined), 10_000);
    const afterContinue = await handle.query(housekeepingStatusQuery);
    expect(afterContinue.lastPass).not.toBeNull();
  });

  expect(purgeTimes[1]! - purgeTimes[0]!).toBeLessThan(HOUR); // runNow did not wait
  expect(purgeTimes[2]! - purgeTimes[1]!).toBeGreaterThanOrEqual(HOUR);
  expect(purgeTimes[3]! - purgeTimes[2]!).toBeGreaterThanOrEqual(HOUR);
  const firstRun = env.client.workflow.getHandle(workflowId, handle.firstExecutionRunId);
  expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
  const current = await env.client.workflow.getHandle(workflowId).describe();
  expect(current).toMatchObject({ status: { name: 'RUNNING' } });
  expect(current.runId).not.toBe(handle.firstExecutionRunId);
  await recordHistory('housekeeping--passes-run-now-continued', firstRun);
  await handle.terminate('test over');
});
