// The time-skipping test server sleeps through 30 days of workflow time in a moment.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { probe } from '../../src/workflows/probe';
import { createTimeSkippingEnv, createTestWorker } from '../helpers/temporal';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
});

afterAll(() => env?.teardown());

it('sleeps 30 days of workflow time and then runs its activity', async () => {
  const THIRTY_DAYS = 30 * 24 * 60 * 60 * 1000;
  let checkedAt = 0;
  const worker = await createTestWorker({
    connection: env.nativeConnection,
    taskQueue: 'time-skipping',
    workflowsPath: require.resolve('../../src/workflows'),
    activities: {
      async checkDatabase() {
        checkedAt = Date.now();
        return true;
      },
    },
  });
  const startedWall = Date.now();
  const result = await worker.runUntil(
    env.client.workflow.execute(probe, {
      workflowId: 'probe-30-days',
      taskQueue: 'time-skipping',
      args: [{ sleepMs: THIRTY_DAYS }],
    }),
  );
  const workflowElapsed = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
  expect(workflowElapsed).toBeGreaterThanOrEqual(THIRTY_DAYS);
  expect(result.databaseOk).toBe(true);
  // The activity ran after the timer, in real time well short of the 30 days slept.
  expect(checkedAt).toBeGreaterThanOrEqual(startedWall);
});
