// stripeEvent on the time-skipping server with its real activity on Postgres: after the effect
// the run signals the invoice's reminder workflow when one is running, and takes one that has
// ended as nothing to tell. Each run's history is saved (RECORD_HISTORIES=1) for the replay test:
// a run may wait for a worker for as long as the worker is down, so a change to this workflow
// must replay them.
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { createProbeActivities } from '../../src/activities/probe';
import { createStripeEventActivities } from '../../src/activities/stripe-events';
import { sql } from '../../src/db/sql';
import { tenantTransactions, withTenant } from '../../src/db/tenant-transaction';
import { DEFAULT_EMAIL_RETRY } from '../../src/domain/email';
import type { StripeEventFacts } from '../../src/domain/stripe-event';
import { stripeEventWorkflowId } from '../../src/domain/workflow-ids';
import { probe } from '../../src/workflows/probe';
import { stripeEvent } from '../../src/workflows/stripe-event';
import { createAppPool, createTenant } from '../helpers/db';
import { recordHistory } from '../helpers/history-fixtures';
import { createTestWorker, createTimeSkippingEnv } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let pool: DatabasePool;
let tenantId: string;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  pool = await createAppPool();
  tenantId = await createTenant(pool, 'Dockside Dental');
});

afterAll(async () => {
  await env?.teardown();
  await pool?.end();
});

/** An open invoice whose reminders run under `reminderWorkflowId`. */
async function openInvoice(reminderWorkflowId: string): Promise<string> {
  const id = randomUUID();
  await withTenant(pool, tenantId, async (db) => {
    const clientId = await db.oneFirst(
      sql.type(
        z.object({ id: z.guid() }),
      )`INSERT INTO clients (tenant_id, name) VALUES (${tenantId}, 'Ola Client') RETURNING id`,
    );
    await db.query(sql.typeAlias('void')`
      INSERT INTO invoices (id, tenant_id, client_id, amount_cents, currency, due_date, description, channels, schedule_days, workflow_id)
      VALUES (${id}, ${tenantId}, ${clientId}, 12000, 'usd', '2030-03-01', 'Check-up', ${sql.array(['email'], 'text')}, ${sql.array([0], 'int4')}, ${reminderWorkflowId})`);
  });
  return id;
}

async function run(taskQueue: string, event: StripeEventFacts, fixture: string, during?: () => Promise<void>) {
  const worker = await createTestWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../src/workflows'),
    activities: {
      ...createStripeEventActivities({ tx: tenantTransactions(pool) }),
      ...createProbeActivities({ pool }),
    },
  });
  const workflowId = stripeEventWorkflowId(tenantId, event.eventId);
  // A plain client, which never asks the server to skip time: the stand-in reminders' timer must
  // not fire while the event is applied.
  const client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
  return worker.runUntil(async () => {
    await during?.();
    const result = await client.workflow.execute(stripeEvent, {
      workflowId,
      taskQueue,
      args: [{ tenantId, event, emailRetry: DEFAULT_EMAIL_RETRY }],
    });
    await recordHistory(fixture, env.client.workflow.getHandle(workflowId));
    return result;
  });
}

const eventId = () => `evt_${randomUUID().replace(/-/g, '')}`;

it('marks the invoice paid, then signals its running reminders', async () => {
  // A run that is still waiting stands in for the invoice's paymentReminder: what matters here is
  // that the signal reaches a running workflow under the invoice's workflow id.
  const reminders = `invoice:${tenantId}:${randomUUID()}`;
  const invoiceId = await openInvoice(reminders);
  const id = eventId();
  const event: StripeEventFacts = {
    eventId: id,
    type: 'payment_intent.succeeded',
    tenantId,
    invoiceId,
    paymentIntentId: 'pi_ts1',
    effect: { kind: 'paid', paymentIntentId: 'pi_ts1' },
  };
  const result = await run('stripe-event-paid', event, 'stripeEvent--paid-signalled', async () => {
    await env.client.workflow.start(probe, {
      workflowId: reminders,
      taskQueue: 'stripe-event-paid',
      args: [{ sleepMs: 3_600_000 }],
    });
  });
  expect(result).toEqual({ outcome: 'paid', invoiceId, signalled: 'paid', alertEmailId: null });
  const history = await env.client.workflow.getHandle(reminders).fetchHistory();
  expect(
    (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'paid'),
  ).toHaveLength(1);
  await env.client.workflow.getHandle(reminders).terminate('test over');
});

it('records a dispute on an invoice whose reminders have ended, and has nothing to pause', async () => {
  const invoiceId = await openInvoice(`invoice:${tenantId}:${randomUUID()}`);
  const id = eventId();
  const event: StripeEventFacts = {
    eventId: id,
    type: 'charge.dispute.created',
    tenantId,
    invoiceId,
    paymentIntentId: null,
    effect: { kind: 'dispute', paymentIntentId: null },
  };
  // The business has no owner address in this test: no alert is queued.
  expect(await run('stripe-event-dispute', event, 'stripeEvent--dispute-reminders-ended')).toEqual({
    outcome: 'dispute_recorded',
    invoiceId,
    signalled: null,
    alertEmailId: null,
  });
});
