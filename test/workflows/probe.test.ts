// The probe workflow on the real worker (same factory as the worker process) against the dev
// server the test command started.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DatabasePool } from 'slonik';
import { TenantIdKey } from '../../src/domain/search-attributes';
import { probeStatusQuery } from '../../src/workflows/probe.contract';
import { testConfig } from '../helpers/config';
import { createAppPool } from '../helpers/db';
import { connectClient, startTestWorker } from '../helpers/temporal';

let client: Client;
let pool: DatabasePool;
let worker: Awaited<ReturnType<typeof startTestWorker>>;

beforeAll(async () => {
  const config = testConfig();
  pool = await createAppPool();
  client = await connectClient();
  worker = await startTestWorker(config, pool);
});

afterAll(async () => {
  await worker.stop();
  await pool.end();
  await client.connection.close();
});

it('completes on the real worker, reaching Postgres from its activity', async () => {
  const tenantId = randomUUID();
  const handle = await client.workflow.start('probe', {
    taskQueue: worker.taskQueue,
    workflowId: `probe:${tenantId}:${randomUUID()}`,
    args: [{ note: 'wiring' }],
    typedSearchAttributes: [{ key: TenantIdKey, value: tenantId }],
  });
  const result = await handle.result();
  expect(result).toMatchObject({ databaseOk: true, note: 'wiring' });
  expect((await handle.query(probeStatusQuery)).phase).toBe('done');

  const description = await handle.describe();
  expect(description.status.name).toBe('COMPLETED');
  expect(description.typedSearchAttributes.get(TenantIdKey)).toBe(tenantId);
});
