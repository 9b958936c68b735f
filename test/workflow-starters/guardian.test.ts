// Starting guardians: once per tenant whatever the number of callers, a new one after the last was
// terminated, and at worker boot for every tenant that lacks one (the worker process itself).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DatabasePool } from 'slonik';
import { listTenantIds } from '../../src/db/guardian-tenants';
import { guardianWorkflowId } from '../../src/domain/workflow-ids';
import { createLogger } from '../../src/observability/logger';
import { ensureGuardian, ensureGuardians } from '../../src/workflow-starters/guardian';
import { testConfig } from '../helpers/config';
import { createAppPool, createTenant } from '../helpers/db';
import { runEntryPoint } from '../helpers/process';
import { connectClient } from '../helpers/temporal';

const logger = createLogger({ name: 'test', level: 'silent', pretty: false });
// A queue no worker polls: the guardians started here stay idle.
const config = testConfig({ TEMPORAL_TASK_QUEUE: `guardian-start-${randomUUID()}` });

let pool: DatabasePool;
let client: Client;

beforeAll(async () => {
  pool = await createAppPool();
  client = await connectClient(config);
});

afterAll(async () => {
  await client?.connection.close();
  await pool?.end();
});

const describeGuardian = (tenantId: string) => client.workflow.getHandle(guardianWorkflowId(tenantId)).describe();

it('lists every tenant id through the narrow function, though RLS hides tenants from the app role', async () => {
  const a = await createTenant(pool, 'Listed A');
  const b = await createTenant(pool, 'Listed B');
  const ids = await listTenantIds(pool);
  expect(ids).toEqual(expect.arrayContaining([a, b]));
  expect(ids.indexOf(a)).toBeLessThan(ids.indexOf(b));
});

it('starts one guardian per tenant however many callers ask at once, and a new one after a terminate', async () => {
  const tenantId = await createTenant(pool, 'Once Salon');
  const answers = await Promise.all(Array.from({ length: 5 }, () => ensureGuardian(client, config, tenantId)));
  expect(answers.filter(Boolean).length).toBeGreaterThanOrEqual(1);
  const first = await describeGuardian(tenantId);
  // On the agents queue (src/temporal/task-queues.ts).
  expect(first).toMatchObject({
    type: 'guardian',
    taskQueue: `${config.temporal.taskQueue}-agents`,
    status: { name: 'RUNNING' },
  });
  expect(first.searchAttributes).toMatchObject({ TenantId: [tenantId] });
  expect(await ensureGuardian(client, config, tenantId)).toBe(false);
  expect((await describeGuardian(tenantId)).runId).toBe(first.runId);

  await client.workflow.getHandle(guardianWorkflowId(tenantId)).terminate('ops stopped it');
  expect(await ensureGuardian(client, config, tenantId)).toBe(true);
  const second = await describeGuardian(tenantId);
  expect(second.status.name).toBe('RUNNING');
  expect(second.runId).not.toBe(first.runId);
});

it('sweeps a list of tenants: starts the missing guardians only, and stops early when asked', async () => {
  const running = await createTenant(pool, 'Has one');
  await ensureGuardian(client, config, running);
  const runId = (await describeGuardian(running)).runId;
  const missing = [await createTenant(pool, 'Lacks one'), await createTenant(pool, 'Lacks one too')];

  const result = await ensureGuardians({ client, config, logger, tenantIds: [running, ...missing] });
  expect(result).toEqual({ tenants: 3, started: 2, failed: 0 });
  for (const tenantId of missing) expect((await describeGuardian(tenantId)).status.name).toBe('RUNNING');
  expect((await describeGuardian(running)).runId).toBe(runId);

  const late = await createTenant(pool, 'After shutdown');
  expect(await ensureGuardians({ client, config, logger, tenantIds: [late], stopping: () => true })).toEqual({
    tenants: 1,
    started: 0,
    failed: 0,
  });
  await expect(describeGuardian(late)).rejects.toThrow();
});

it('the worker process starts a guardian at boot for a tenant lacking one', async () => {
  const tenantId = await createTenant(pool, 'Boot Salon');
  const taskQueue = `guardian-boot-${randomUUID()}`;
  const worker = runEntryPoint('src/worker.ts', { TEMPORAL_TASK_QUEUE: taskQueue, GUARDIAN_BOOT_SWEEP: '1' });
  try {
    await worker.waitForOutput(/guardians checked for every tenant/);
    const description = await describeGuardian(tenantId);
    expect(description).toMatchObject({
      type: 'guardian',
      taskQueue: `${taskQueue}-agents`,
      status: { name: 'RUNNING' },
    });
    expect(description.searchAttributes).toMatchObject({ TenantId: [tenantId] });
  } finally {
    worker.child.kill('SIGTERM');
  }
  expect(await worker.exited).toBe(0);
}, 90_000);
