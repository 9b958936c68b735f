// Housekeeping is the Temporal Schedule `housekeeping`: the worker process creates it at boot with
// the configured interval (a pass at once), a second boot leaves it as it is, a changed interval
// updates it (keeping a pause ops set), triggering it runs a pass that purges, and a long-running
// housekeeping workflow of an earlier deploy is cancelled. A namespace of its own, so no other
// test file's worker touches the Schedule.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import pg from 'pg';
import { HOUSEKEEPING_SCHEDULE_ID, LEGACY_HOUSEKEEPING_WORKFLOW_ID } from '../../src/domain/workflow-ids';
import { ensureHousekeepingSchedule } from '../../src/workflow-starters/housekeeping';
import { testConfig } from '../helpers/config';
import { eventually } from '../helpers/eventually';
import { runEntryPoint, type RunningProcess } from '../helpers/process';
import { connectClient, createTestNamespace } from '../helpers/temporal';

const run = promisify(execFile);
const HOUR = 3_600_000;

let namespace: string;
let taskQueue: string;
let client: Client;
let owner: pg.Client;
const workers: RunningProcess[] = [];

beforeAll(async () => {
  const bootstrap = await connectClient();
  try {
    namespace = await createTestNamespace(bootstrap.connection, undefined, 'housekeeping');
  } finally {
    await bootstrap.connection.close();
  }
  taskQueue = `housekeeping-${randomUUID()}`;
  client = await connectClient(testConfig({ TEMPORAL_NAMESPACE: namespace, TEMPORAL_TASK_QUEUE: taskQueue }));
  owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await owner.connect();
});

afterAll(async () => {
  for (const w of workers) await stopWorker(w);
  await client?.connection.close();
  await owner?.end();
});

function bootWorker(env: Record<string, string> = {}): RunningProcess {
  const worker = runEntryPoint('src/worker.ts', {
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    HOUSEKEEPING_INTERVAL_MINUTES: '30',
    ...env,
  });
  workers.push(worker);
  return worker;
}

async function stopWorker(worker: RunningProcess): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  await worker.exited;
}

/** The boot log line of the Schedule check, parsed. */
async function scheduleChecked(
  worker: RunningProcess,
): Promise<{ schedule: string; legacyWorkflowCancelled: boolean }> {
  await worker.waitForOutput(/housekeeping schedule checked/, 90_000);
  const line = worker
    .output()
    .split('\n')
    .find((l) => l.includes('housekeeping schedule checked')) as string;
  return JSON.parse(line) as { schedule: string; legacyWorkflowCancelled: boolean };
}

async function expiredCounter(): Promise<string> {
  const key = `housekeeping-schedule-test-${randomUUID()}`;
  await owner.query('INSERT INTO rate_limits (key, points, expire) VALUES ($1, 1, $2)', [key, Date.now() - 2 * HOUR]);
  return key;
}
const counterGone = async (key: string) =>
  (await owner.query('SELECT 1 FROM rate_limits WHERE key = $1', [key])).rowCount === 0 ? true : undefined;

function cli(args: string[]) {
  const path = process.env.TEMPORAL_CLI;
  if (!path)
    throw new Error(
      'TEMPORAL_CLI is not set: run the tests through npm test (scripts/bootstrap.sh installs the temporal CLI)',
    );
  return run(
    path,
    [...args, '--address', process.env.TEMPORAL_ADDRESS as string, '--namespace', namespace, '--output', 'json'],
    { timeout: 30_000 },
  );
}

const schedule = () => client.schedule.getHandle(HOUSEKEEPING_SCHEDULE_ID);

it('at boot: creates the Schedule with the configured interval, runs a pass at once, and cancels the old long-running housekeeping', async () => {
  // What an earlier deploy left running: the long-running workflow, waiting for its next pass.
  const legacy = await client.workflow.start('housekeeping', {
    workflowId: LEGACY_HOUSEKEEPING_WORKFLOW_ID,
    taskQueue,
    args: [{ intervalMs: HOUR, passesPerRun: 24 }],
  });
  const key = await expiredCounter();

  const worker = bootWorker();
  expect(await scheduleChecked(worker)).toMatchObject({ schedule: 'created', legacyWorkflowCancelled: true });

  const described = await schedule().describe();
  expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 30 * 60_000 })]);
  expect(described.action).toMatchObject({
    type: 'startWorkflow',
    workflowType: 'housekeepingPass',
    taskQueue,
    workflowId: 'housekeeping-pass',
  });
  expect(described.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 30 * 60_000 });
  expect(described.state.paused).toBe(false);

  // The same, as an operator sees it.
  const { stdout } = await cli(['schedule', 'describe', '--schedule-id', HOUSEKEEPING_SCHEDULE_ID]);
  const viaCli = JSON.parse(stdout) as {
    schedule: {
      spec: { interval: { interval: string }[] };
      action: { startWorkflow: { workflowType: { name: string }; taskQueue: { name: string } } };
      policies: { overlapPolicy: string };
    };
  };
  expect(viaCli.schedule.spec.interval).toEqual([expect.objectContaining({ interval: '1800s' })]);
  expect(viaCli.schedule.action.startWorkflow).toMatchObject({
    workflowType: { name: 'housekeepingPass' },
    taskQueue: { name: taskQueue },
  });
  expect(viaCli.schedule.policies.overlapPolicy).toBe('SCHEDULE_OVERLAP_POLICY_SKIP');

  // The pass at once, on the real worker: it purged the expired counter.
  await eventually(() => counterGone(key), 60_000, 'the first pass purged the expired counter');
  const first = await eventually(
    async () => (await schedule().describe()).info.recentActions[0],
    10_000,
    'a recent action',
  );
  const pass = await client.workflow.getHandle(first.action.workflow.workflowId).result();
  expect(pass).toMatchObject({ purged: { rateLimits: expect.any(Number) } });
  expect(first.action.workflow.workflowId).toMatch(/^housekeeping-pass-/);

  expect((await legacy.describe()).status.name).toBe('CANCELLED');
  await stopWorker(worker);
});

it('a second boot changes nothing', async () => {
  const before = await schedule().describe();
  const worker = bootWorker();
  expect(await scheduleChecked(worker)).toEqual(
    expect.objectContaining({ schedule: 'unchanged', legacyWorkflowCancelled: false }),
  );
  const after = await schedule().describe();
  expect(after.info.lastUpdatedAt).toEqual(before.info.lastUpdatedAt);
  expect(after.raw.conflictToken).toEqual(before.raw.conflictToken);
  expect(after.spec).toEqual(before.spec);
  await stopWorker(worker);
});

it('triggering the Schedule runs a housekeeping pass that purges', async () => {
  const worker = bootWorker();
  await scheduleChecked(worker);
  const taken = (await schedule().describe()).info.numActionsTaken;
  const key = await expiredCounter();
  await schedule().trigger();
  await eventually(() => counterGone(key), 60_000, 'the triggered pass purged the expired counter');
  const described = await eventually(
    async () => {
      const d = await schedule().describe();
      return d.info.numActionsTaken > taken ? d : undefined;
    },
    10_000,
    'the trigger counted',
  );
  const latest = described.info.recentActions.at(-1)!;
  const result = await client.workflow.getHandle(latest.action.workflow.workflowId).result();
  expect(result).toMatchObject({ at: expect.any(String), purged: { rateLimits: expect.any(Number) } });
  await stopWorker(worker);
});

it('a changed interval updates the Schedule at boot, and a pause set by ops is kept', async () => {
  await schedule().pause('paused by ops for the test');
  const config = testConfig({
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    HOUSEKEEPING_INTERVAL_MINUTES: '45',
  });
  expect(await ensureHousekeepingSchedule(client, config)).toEqual({
    schedule: 'updated',
    legacyWorkflowCancelled: false,
  });
  const described = await schedule().describe();
  expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 45 * 60_000 })]);
  expect(described.policies.catchupWindow).toBe(45 * 60_000);
  expect(described.state.paused).toBe(true);
  expect(await ensureHousekeepingSchedule(client, config)).toEqual({
    schedule: 'unchanged',
    legacyWorkflowCancelled: false,
  });
});
