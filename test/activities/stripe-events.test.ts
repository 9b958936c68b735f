// The stripeEvent workflow's activity against the real database, in an activity context
// (Temporal's MockActivityEnvironment names the workflow that runs it): the claim makes one
// effect of an event however many runs get to it, a retry of the claiming run's own activity
// still reports that effect (so its workflow still tells the reminders), and a refusal about the
// event's data is permanent. The whole path from the webhook is in test/api/stripe-webhook.e2e.test.ts.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { createStripeEventActivities } from '../../src/activities/stripe-events';
import { sql } from '../../src/db/sql';
import { tenantTransactions, withTenant } from '../../src/db/tenant-transaction';
import type { StripeEventFacts } from '../../src/domain/stripe-event';
import { invoiceWorkflowId, stripeEventWorkflowId } from '../../src/domain/workflow-ids';
import { createAppPool, createTenant } from '../helpers/db';

let pool: DatabasePool;
let tenantId: string;
let acts: ReturnType<typeof createStripeEventActivities>;

beforeAll(async () => {
  pool = await createAppPool();
  tenantId = await createTenant(pool, 'Harbour Yoga');
  acts = createStripeEventActivities({ tx: tenantTransactions(pool) });
});
afterAll(() => pool?.end());

async function openInvoice(): Promise<string> {
  const id = randomUUID();
  await withTenant(pool, tenantId, async (db) => {
    const clientId = await db.oneFirst(
      sql.type(
        z.object({ id: z.guid() }),
      )`INSERT INTO clients (tenant_id, name) VALUES (${tenantId}, 'Noor Client') RETURNING id`,
    );
    await db.query(sql.typeAlias('void')`
      INSERT INTO invoices (id, tenant_id, client_id, amount_cents, currency, due_date, description, channels, schedule_days, workflow_id)
      VALUES (${id}, ${tenantId}, ${clientId}, 4500, 'usd', '2030-01-15', 'Class pass', ${sql.array(['email'], 'text')}, ${sql.array([0], 'int4')}, ${invoiceWorkflowId(tenantId, id)})`);
  });
  return id;
}

const paid = (invoiceId: string, eventId = `evt_${randomUUID().replace(/-/g, '')}`): StripeEventFacts => ({
  eventId,
  type: 'payment_intent.succeeded',
  tenantId,
  invoiceId,
  paymentIntentId: `pi_${eventId.slice(4, 20)}`,
  effect: { kind: 'paid', paymentIntentId: `pi_${eventId.slice(4, 20)}` },
});

/** The activity as the run `workflowId` runs it, on attempt `attempt`. */
function run(workflowId: string, input: { tenantId: string; event: StripeEventFacts }, attempt = 1) {
  // The failure a test provokes is what it asserts, not worth a log line.
  return new MockActivityEnvironment(
    { attempt, workflowExecution: { workflowId, runId: randomUUID() } },
    { logger: new DefaultLogger('ERROR') },
  ).run(acts.applyStripeEvent, { ...input, alertEmailId: randomUUID() });
}

const auditRows = (invoiceId: string) =>
  withTenant(pool, tenantId, (db) =>
    db.anyFirst(
      sql.type(z.object({ action: z.string() }))`SELECT action FROM audit_log WHERE target = ${`invoice:${invoiceId}`}`,
    ),
  );

it('applies a payment once; a retry of the same run reports it again, another run is a duplicate', async () => {
  const invoiceId = await openInvoice();
  const event = paid(invoiceId);
  const workflowId = stripeEventWorkflowId(tenantId, event.eventId);
  const expected = {
    outcome: 'paid',
    invoiceId,
    reminderWorkflowId: invoiceWorkflowId(tenantId, invoiceId),
    alertEmailId: null,
  };

  expect(await run(workflowId, { tenantId, event })).toEqual(expected);
  // The first try committed but its answer never reached Temporal: the retry changes nothing and
  // still says what was done, so the workflow signals the reminders.
  expect(await run(workflowId, { tenantId, event }, 2)).toEqual(expected);
  // Another run for the same event id (Temporal forgot the first, or the tenant resolved elsewhere).
  expect(await run(`${workflowId}:again`, { tenantId, event })).toEqual({
    outcome: 'duplicate',
    invoiceId: null,
    reminderWorkflowId: null,
    alertEmailId: null,
  });
  expect(await auditRows(invoiceId)).toEqual(['invoice.stripe_paid']);
});

it('ignores an event for a business that does not exist, and claims nothing', async () => {
  const ghost = randomUUID();
  const event = { ...paid(randomUUID()), tenantId: ghost };
  expect(await run(stripeEventWorkflowId(ghost, event.eventId), { tenantId: ghost, event })).toMatchObject({
    outcome: 'ignored',
  });
});

it('fails for good, with nothing applied, when the database refuses the event data', async () => {
  const invoiceId = await openInvoice();
  const eventId = `evt_${randomUUID().replace(/-/g, '')}`;
  // A refunded total beyond what the column holds: the same refusal on every try.
  const event: StripeEventFacts = {
    eventId,
    type: 'charge.refunded',
    tenantId,
    invoiceId,
    paymentIntentId: null,
    effect: { kind: 'refund', paymentIntentId: null, amountRefundedCents: 2 ** 40 },
  };
  const failure = await run(stripeEventWorkflowId(tenantId, eventId), { tenantId, event }).catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({ nonRetryable: true, type: 'postgres_22003' });
  // The claim rolled back with the effect: a later, valid delivery of the event id still applies.
  const valid = { ...event, effect: { kind: 'refund' as const, paymentIntentId: null, amountRefundedCents: 100 } };
  expect(await run(stripeEventWorkflowId(tenantId, eventId), { tenantId, event: valid })).toMatchObject({
    outcome: 'refund_recorded',
    invoiceId,
  });
});
