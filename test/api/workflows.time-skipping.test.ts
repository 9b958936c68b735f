// Cancel through POST /api/workflows/:id/cancel stops a payment reminder for good: on the
// time-skipping server, with the real API, the real worker (same factory as the worker process)
// and Gmail as the sandbox speaks it, a week passes in seconds. The invoice left alone gets both
// of its reminders; the cancelled one gets none, before or after.
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DateTime } from 'luxon';
import type { DatabasePool } from 'slonik';
import { createApp } from '../../src/api/app';
import { createLogger } from '../../src/observability/logger';
import { createFrontdeskWorkers, type FrontdeskWorkers } from '../../src/temporal/create-worker';
import { createDataConverter } from '../../src/temporal/data-converter';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { createAppPool } from '../helpers/db';
import { listen, request, type TestServer } from '../helpers/http';
import { eventually, startTestSandbox, type SandboxHarness } from '../helpers/sandbox';
import { createTimeSkippingEnv } from '../helpers/temporal';

const logger = createLogger({ name: 'test', level: 'silent', pretty: false });

let env: TestWorkflowEnvironment;
let sandbox: SandboxHarness;
let pool: DatabasePool;
let server: TestServer;
let worker: FrontdeskWorkers;
let running: Promise<void>;
let owner: SignedInUser;

const call = (method: string, path: string, json?: unknown) =>
  request(server, method, path, { token: owner.accessToken, ...(json === undefined ? {} : { json }) });

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  const taskQueue = `ops-cancel-${randomUUID()}`;
  // The guardian a sign-up starts would otherwise run a pass every 5 minutes of skipped time.
  sandbox = await startTestSandbox({ TEMPORAL_TASK_QUEUE: taskQueue, GUARDIAN_INTERVAL_MINUTES: '100000' });
  const config = sandbox.config;
  pool = await createAppPool(config.database.url);
  // The API's client on the time-skipping server, with the same encrypting data converter.
  const temporal = new Client({
    connection: env.connection,
    namespace: config.temporal.namespace,
    dataConverter: createDataConverter(config),
  });
  server = await listen(createApp({ config, pool, temporal, logger }));
  worker = await createFrontdeskWorkers({
    config,
    pool,
    connection: env.nativeConnection,
    logger,
    kinds: ['reminders', 'delivery', 'agents'],
    baseTaskQueue: taskQueue,
  });
  running = worker.run();
  owner = await registerTenant(server, { businessName: 'Quiet Hours Spa' });
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await server?.close();
  await sandbox?.close();
  await pool?.end();
  await env?.teardown();
});

async function invoiceWithTwoReminders(): Promise<{ id: string; workflowId: string; clientEmail: string }> {
  const clientEmail = `rowan-${randomUUID()}@client.example`;
  const client = await call('POST', '/api/clients', { name: 'Rowan Client', email: clientEmail, timezone: 'UTC' });
  expect(client.status).toBe(201);
  // Reminders on the due date (in two days) and three days after it, 09:00 UTC.
  const dueDate = DateTime.utc().plus({ days: 2 }).toISODate();
  const res = await call('POST', '/api/invoices', {
    clientId: client.body.id,
    amountCents: 9_900,
    currency: 'usd',
    description: 'Hot stone massage',
    dueDate,
    scheduleDays: [0, 3],
  });
  expect(res.status).toBe(201);
  return { id: res.body.id, workflowId: res.body.workflowId, clientEmail };
}

const mailTo = async (email: string) => (await sandbox.sent('gmail')).filter((m: { to: string }) => m.to === email);

it('sends no reminder after a cancel through the API, while an invoice left alone gets both', async () => {
  const kept = await invoiceWithTwoReminders();
  const cancelled = await invoiceWithTwoReminders();
  for (const invoice of [kept, cancelled]) {
    await eventually(async () => {
      const d = await call('GET', `/api/workflows/${encodeURIComponent(invoice.workflowId)}`);
      return d.body?.state?.paymentUrl && d.body.state.nextReminderAt ? d.body : undefined;
    }, 30_000);
  }

  const res = await call('POST', `/api/workflows/${encodeURIComponent(cancelled.workflowId)}/cancel`, {
    reason: 'Paid in cash at the front desk',
  });
  expect(res.status).toBe(202);
  await eventually(
    async () =>
      (await call('GET', `/api/workflows/${encodeURIComponent(cancelled.workflowId)}`)).body.status === 'cancelled'
        ? true
        : undefined,
    30_000,
  );

  // A week on the workflows' clock: both steps of both schedules fall due.
  await env.sleep('7 days');
  await eventually(async () => ((await mailTo(kept.clientEmail)).length === 2 ? true : undefined), 60_000);
  await eventually(async () => {
    const invoice = (await call('GET', `/api/invoices/${kept.id}`)).body;
    return invoice.reminders.sent.filter((r: { status: string }) => r.status === 'sent').length === 2
      ? true
      : undefined;
  }, 30_000);

  expect(await mailTo(cancelled.clientEmail)).toEqual([]);
  const invoice = (await call('GET', `/api/invoices/${cancelled.id}`)).body;
  expect(invoice.reminders.sent.filter((r: { status: string }) => r.status === 'sent')).toEqual([]);
  expect((await call('GET', `/api/workflows/${encodeURIComponent(cancelled.workflowId)}`)).body).toMatchObject({
    status: 'cancelled',
    state: null,
  });
});
