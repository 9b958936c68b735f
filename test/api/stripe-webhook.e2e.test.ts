// The Stripe webhook signals each verified event to its business's stripeInbox and answers 200 at
// once: the event is Temporal's to keep, so a worker that is down delays the effect and loses
// nothing, and the copies Stripe sends of one event (together or later) make one effect.
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { stripeEventWorkflowId, stripeInboxWorkflowId } from '../../src/domain/workflow-ids';
import { metrics } from '../../src/observability/metrics';
import { stripeEventReceivedSignal, stripeInboxStatusQuery } from '../../src/workflows/stripe-inbox.contract';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import { eventually } from '../helpers/eventually';
import { stripeEventRun } from '../helpers/stripe-events';

let e2e: E2E;
let owner: SignedInUser;

beforeAll(async () => {
  e2e = await startE2E();
  owner = await registerTenant(e2e.server, { businessName: 'Quayside Physio' });
});

afterAll(() => e2e?.close());

async function openInvoice(): Promise<{ id: string; workflowId: string }> {
  const client = await e2e.call('POST', '/api/clients', {
    token: owner.accessToken,
    json: { name: 'Ines Client', email: `ines-${randomUUID()}@client.example` },
  });
  const due = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  const res = await e2e.call('POST', '/api/invoices', {
    token: owner.accessToken,
    json: {
      clientId: client.body.id,
      amountCents: 6_500,
      currency: 'usd',
      description: 'Sports massage',
      dueDate: due,
    },
  });
  expect(res.status).toBe(201);
  return res.body;
}

/** A checkout.session.completed for the invoice, signed as Stripe signs it. */
function paidEvent(invoiceId: string): { eventId: string; payload: string; headers: Record<string, string> } {
  const eventId = `evt_${randomUUID().replace(/-/g, '')}`;
  const payload = JSON.stringify({
    id: eventId,
    object: 'event',
    type: 'checkout.session.completed',
    data: {
      object: {
        id: `cs_${randomUUID().replace(/-/g, '')}`,
        object: 'checkout.session',
        payment_status: 'paid',
        metadata: { tenantId: owner.tenantId, invoiceId },
      },
    },
  });
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: e2e.config.stripe.webhookSecret as string,
  });
  return { eventId, payload, headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature } };
}

const stripeAudit = async (invoiceId: string) =>
  (
    await e2e.call('GET', `/api/audit?target=invoice:${invoiceId}&action=invoice.stripe_paid`, {
      token: owner.accessToken,
    })
  ).body.items as unknown[];

const eventRun = (eventId: string) => stripeEventRun(e2e.temporal, owner.tenantId, eventId);

const inboxStatus = () =>
  e2e.temporal.workflow.getHandle(stripeInboxWorkflowId(owner.tenantId)).query(stripeInboxStatusQuery);

async function webhookCount(outcome: string): Promise<number> {
  const values = (await metrics().webhookOutcomes.get()).values;
  return values.find((v) => v.labels.provider === 'stripe' && v.labels.outcome === outcome)?.value ?? 0;
}

it('answers 200 while no worker runs, and applies the event once a worker is back', async () => {
  const invoice = await openInvoice();
  await e2e.stopWorker();
  let workerBack = false;
  try {
    const event = paidEvent(invoice.id);
    const res = await e2e.call('POST', '/api/stripe/webhook', { raw: event.payload, headers: event.headers });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true });
    // Stored in Temporal, in the inbox's history, and waiting for a worker; nothing has touched
    // the invoice yet.
    const inbox = e2e.temporal.workflow.getHandle(stripeInboxWorkflowId(owner.tenantId));
    expect((await inbox.describe()).status.name).toBe('RUNNING');
    const received = ((await inbox.fetchHistory()).events ?? []).filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === stripeEventReceivedSignal.name,
    );
    expect(received.length).toBeGreaterThanOrEqual(1);
    expect((await e2e.call('GET', `/api/invoices/${invoice.id}`, { token: owner.accessToken })).body.status).toBe(
      'open',
    );

    await e2e.startWorker();
    workerBack = true;
    const handle = await eventRun(event.eventId);
    expect(await handle.result()).toEqual({
      outcome: 'paid',
      invoiceId: invoice.id,
      signalled: 'paid',
      alertEmailId: null,
    });
    expect(await e2e.temporal.workflow.getHandle(invoice.workflowId).result()).toMatchObject({ outcome: 'paid' });
    expect((await e2e.call('GET', `/api/invoices/${invoice.id}`, { token: owner.accessToken })).body).toMatchObject({
      status: 'paid',
      paidMethod: 'stripe',
    });
    expect(await stripeAudit(invoice.id)).toHaveLength(1);
  } finally {
    if (!workerBack) await e2e.startWorker();
  }
});

it('makes one effect and one signal of 10 copies of one event posted at once, each answered 200', async () => {
  const invoice = await openInvoice();
  const event = paidEvent(invoice.id);
  const acceptedBefore = await webhookCount('accepted');
  // The first test started this business's inbox.
  const { duplicates: duplicatesBefore } = await inboxStatus();
  const answers = await Promise.all(
    Array.from({ length: 10 }, () =>
      e2e.call('POST', '/api/stripe/webhook', { raw: event.payload, headers: event.headers }),
    ),
  );
  expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
  // Each copy was stored (the metric counts all ten); the inbox gave the event one run and
  // dropped the other nine.
  expect(await webhookCount('accepted')).toBe(acceptedBefore + 10);
  const result = await (await eventRun(event.eventId)).result();
  await eventually(
    async () => ((await inboxStatus()).duplicates === duplicatesBefore + 9 ? true : undefined),
    10_000,
    'the inbox counting nine copies dropped',
  );
  expect(result).toMatchObject({ outcome: 'paid', signalled: 'paid' });
  expect(await e2e.temporal.workflow.getHandle(invoice.workflowId).result()).toMatchObject({ outcome: 'paid' });
  expect(await stripeAudit(invoice.id)).toHaveLength(1);
  const history = await e2e.temporal.workflow.getHandle(invoice.workflowId).fetchHistory();
  expect(
    (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'paid'),
  ).toHaveLength(1);
});

it('applies an event once even when a second run of it is started after the first ended', async () => {
  // Temporal forgets a run after the namespace's retention, or a redelivery may resolve the event
  // to another workflow id: the claim row in Postgres still refuses the second effect.
  const invoice = await openInvoice();
  const event = paidEvent(invoice.id);
  expect((await e2e.call('POST', '/api/stripe/webhook', { raw: event.payload, headers: event.headers })).status).toBe(
    200,
  );
  expect(await (await eventRun(event.eventId)).result()).toMatchObject({ outcome: 'paid' });
  const rerun = await e2e.temporal.workflow.execute('stripeEvent', {
    workflowId: `${stripeEventWorkflowId(owner.tenantId, event.eventId)}:again`,
    taskQueue: e2e.config.temporal.taskQueue,
    args: [
      {
        tenantId: owner.tenantId,
        event: {
          eventId: event.eventId,
          type: 'checkout.session.completed',
          tenantId: owner.tenantId,
          invoiceId: invoice.id,
          paymentIntentId: null,
          effect: { kind: 'paid', paymentIntentId: null },
        },
        emailRetry: e2e.config.emailRetry,
      },
    ],
  });
  expect(rerun).toEqual({ outcome: 'duplicate', invoiceId: null, signalled: null, alertEmailId: null });
  expect(await stripeAudit(invoice.id)).toHaveLength(1);
});
