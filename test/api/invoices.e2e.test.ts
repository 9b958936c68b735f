// Invoices end to end: HTTP in, the real worker and Temporal server, Stripe and Gmail as the
// sandbox speaks them, Stripe's webhook signed by the sandbox with the configured secret.
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import type { StripeEventResult } from '../../src/workflows/stripe-event.contract';
import { stripeEventResult } from '../helpers/stripe-events';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import { eventually } from '../helpers/sandbox';

let e2e: E2E;
let owner: SignedInUser;

/** A zone where 09:00 today has passed and today is not over: a due-today reminder goes at once. */
function zoneAfterNineToday(): { zone: string; today: string } {
  for (const zone of [
    'Pacific/Kiritimati',
    'Asia/Tokyo',
    'Asia/Kolkata',
    'Europe/London',
    'America/New_York',
    'Pacific/Honolulu',
    'Pacific/Pago_Pago',
  ]) {
    const now = DateTime.now().setZone(zone);
    if (now.hour >= 10 && now.hour <= 22) return { zone, today: now.toISODate() as string };
  }
  throw new Error('no zone found');
}

async function createClient(overrides: Record<string, unknown> = {}) {
  const res = await e2e.call('POST', '/api/clients', {
    token: owner.accessToken,
    json: { name: 'Maya Client', email: `maya-${randomUUID()}@client.example`, ...overrides },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; email: string };
}

async function createInvoice(clientId: string, body: Record<string, unknown>) {
  const res = await e2e.call('POST', '/api/invoices', {
    token: owner.accessToken,
    json: { clientId, amountCents: 8_400, currency: 'usd', description: 'Deep tissue massage', ...body },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; workflowId: string; status: string; paymentUrl: string | null };
}

const getInvoice = async (id: string) =>
  (await e2e.call('GET', `/api/invoices/${id}`, { token: owner.accessToken })).body;

/** The webhook answers once the event is in the inbox; this waits for what the event's own run did. */
const applied = (eventId: string, tenantId = owner.tenantId): Promise<StripeEventResult> =>
  stripeEventResult(e2e.temporal, tenantId, eventId);

/** A Stripe event signed and delivered by the sandbox; answers the webhook's status and the event id. */
async function deliver(
  type: string,
  object: Record<string, unknown>,
  id?: string,
): Promise<{ status: number; eventId: string }> {
  const res = await e2e.sandbox.control('POST', '/_sandbox/stripe/events', { type, object, ...(id ? { id } : {}) });
  return res.body as { status: number; eventId: string };
}

beforeAll(async () => {
  e2e = await startE2E();
  owner = await registerTenant(e2e.server, { businessName: 'Harbour Wellness' });
});

afterAll(() => e2e?.close());

describe('an invoice due today with schedule [0]', () => {
  let invoice: Awaited<ReturnType<typeof createInvoice>>;
  let client: Awaited<ReturnType<typeof createClient>>;

  beforeAll(async () => {
    const { zone, today } = zoneAfterNineToday();
    client = await createClient({ timezone: zone });
    invoice = await createInvoice(client.id, { dueDate: today, scheduleDays: [0] });
  });

  it('answers 201 at once, with the workflow id and no payment link yet', () => {
    expect(invoice).toMatchObject({
      status: 'open',
      workflowId: `invoice:${owner.tenantId}:${invoice.id}`,
      paymentUrl: null,
    });
  });

  it('sends one reminder email carrying the Stripe payment link, and shows it on the invoice', async () => {
    const reminder = await eventually(
      async () => (await e2e.sandbox.sent('gmail')).find((m) => m.to === client.email),
      30_000,
    );
    const detail = await eventually(async () => {
      const d = await getInvoice(invoice.id);
      return d.paymentUrl && d.reminders.sent.some((r: { status: string }) => r.status === 'sent') ? d : undefined;
    }, 30_000);
    expect(reminder.text).toContain(detail.paymentUrl);
    expect(reminder.text).toContain('Harbour Wellness');
    expect(reminder.text).toContain('$84.00');
    expect(detail.reminders.sent).toEqual([expect.objectContaining({ step: 0, channel: 'email', status: 'sent' })]);
    // That was the last step, but the due date (today, in the client's zone) has not ended: the
    // invoice is not overdue yet, and the reminders are done (nothing more is scheduled).
    const done = await eventually(async () => {
      const d = await getInvoice(invoice.id);
      return d.reminders.state === 'done' ? d : undefined;
    }, 30_000);
    expect(done).toMatchObject({ overdue: false, reminders: { nextReminderAt: null } });
    expect((await e2e.sandbox.sent('gmail')).filter((m) => m.to === client.email)).toHaveLength(1);
    // The Checkout Session was created once, with an idempotency key from the invoice id.
    const sessions = (await e2e.sandbox.sent('stripe')).filter((s) => s.params?.metadata?.invoiceId === invoice.id);
    expect(sessions).toEqual([
      expect.objectContaining({
        idempotencyKey: `invoice-checkout-${invoice.id}`,
        params: expect.objectContaining({ metadata: { tenantId: owner.tenantId, invoiceId: invoice.id } }),
      }),
    ]);
  });

  it('refuses a forged Stripe signature with 400 and changes nothing', async () => {
    const res = await e2e.call('POST', '/api/stripe/webhook', {
      headers: {
        'Content-Type': 'application/json',
        'Stripe-Signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
      },
      raw: JSON.stringify({
        id: 'evt_forged',
        type: 'checkout.session.completed',
        data: {
          object: {
            object: 'checkout.session',
            payment_status: 'paid',
            metadata: { tenantId: owner.tenantId, invoiceId: invoice.id },
          },
        },
      }),
    });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect((await getInvoice(invoice.id)).status).toBe('open');
  });

  it('is paid by checkout.session.completed delivered 10 times at once, with one effect and one signal, and its workflow completes', async () => {
    const object = {
      id: `cs_test_${randomUUID().replace(/-/g, '')}`,
      object: 'checkout.session',
      payment_status: 'paid',
      status: 'complete',
      payment_intent: `pi_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      metadata: { tenantId: owner.tenantId, invoiceId: invoice.id },
    };
    const eventId = `evt_${randomUUID().replace(/-/g, '')}`;
    const deliveries = await Promise.all(
      Array.from({ length: 10 }, () => deliver('checkout.session.completed', object, eventId)),
    );
    expect(deliveries.map((d) => d.status)).toEqual(Array(10).fill(200));

    // One run for the event id, however many copies arrived: it applied the payment and told the reminders.
    expect(await applied(eventId)).toEqual({
      outcome: 'paid',
      invoiceId: invoice.id,
      signalled: 'paid',
      alertEmailId: null,
    });
    const result = await e2e.temporal.workflow.getHandle(invoice.workflowId).result();
    expect(result).toMatchObject({ outcome: 'paid' });
    const paid = await getInvoice(invoice.id);
    expect(paid).toMatchObject({ status: 'paid', paidMethod: 'stripe', paidAt: expect.any(String) });
    const audit = await e2e.call('GET', `/api/audit?target=invoice:${invoice.id}&action=invoice.stripe_paid`, {
      token: owner.accessToken,
    });
    expect(audit.body.items).toHaveLength(1);
    const history = await e2e.temporal.workflow.getHandle(invoice.workflowId).fetchHistory();
    const paidSignals = (history.events ?? []).filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'paid',
    );
    expect(paidSignals).toHaveLength(1);
    // Paid on its due date, it was never overdue: the owner got no overdue alert about it.
    expect((await getInvoice(invoice.id)).overdue).toBe(false);
    expect(
      (await e2e.sandbox.sent('gmail')).filter((m) => m.to === owner.email && m.text.includes(invoice.id)),
    ).toHaveLength(0);

    // A redelivery after the run ended is refused by Temporal too, and changes nothing.
    expect((await deliver('checkout.session.completed', object, eventId)).status).toBe(200);
    expect(
      (
        await e2e.call('GET', `/api/audit?target=invoice:${invoice.id}&action=invoice.stripe_paid`, {
          token: owner.accessToken,
        })
      ).body.items,
    ).toHaveLength(1);
  });
});

describe('reminder controls', () => {
  it('pauses and resumes, marks paid by hand, and refuses to void a paid invoice', async () => {
    const client = await createClient();
    const due = DateTime.now().plus({ days: 20 }).toISODate() as string;
    const invoice = await createInvoice(client.id, { dueDate: due, scheduleDays: [-3, 0, 3] });
    await eventually(async () => ((await getInvoice(invoice.id)).paymentUrl ? true : undefined), 30_000);

    const paused = await e2e.call('POST', `/api/invoices/${invoice.id}/reminders/pause`, { token: owner.accessToken });
    expect(paused.status).toBe(200);
    expect(paused.body.reminders).toMatchObject({ state: 'paused', nextReminderAt: null });
    const resumed = await e2e.call('POST', `/api/invoices/${invoice.id}/reminders/resume`, {
      token: owner.accessToken,
    });
    expect(resumed.body.reminders.state).toBe('scheduled');
    expect(Date.parse(resumed.body.reminders.nextReminderAt)).toBeGreaterThan(Date.now());

    const rescheduled = await e2e.call('POST', `/api/invoices/${invoice.id}/reschedule`, {
      token: owner.accessToken,
      json: { dueDate: DateTime.now().plus({ days: 40 }).toISODate() },
    });
    expect(rescheduled.status).toBe(200);
    await eventually(async () => {
      const d = await getInvoice(invoice.id);
      return Date.parse(d.reminders.nextReminderAt) > Date.now() + 30 * 86_400_000 ? true : undefined;
    });

    const paid = await e2e.call('POST', `/api/invoices/${invoice.id}/mark-paid`, {
      token: owner.accessToken,
      json: { method: 'cash', note: 'at the desk' },
    });
    expect(paid.body).toMatchObject({ status: 'paid', paidMethod: 'cash' });
    expect(await e2e.temporal.workflow.getHandle(invoice.workflowId).result()).toMatchObject({ outcome: 'paid' });
    const voided = await e2e.call('POST', `/api/invoices/${invoice.id}/void`, { token: owner.accessToken });
    expect(voided.status).toBe(409);
  });

  it('cancels the reminder workflow when an invoice is voided', async () => {
    const client = await createClient();
    const invoice = await createInvoice(client.id, { dueDate: DateTime.now().plus({ days: 10 }).toISODate() });
    const voided = await e2e.call('POST', `/api/invoices/${invoice.id}/void`, { token: owner.accessToken });
    expect(voided.body.status).toBe('void');
    const description = await eventually(async () => {
      const d = await e2e.temporal.workflow.getHandle(invoice.workflowId).describe();
      return d.status.name === 'CANCELLED' ? d : undefined;
    }, 30_000);
    expect(description.status.name).toBe('CANCELLED');
  });

  it('answers 422 naming every bad field', async () => {
    const res = await e2e.call('POST', '/api/invoices', {
      token: owner.accessToken,
      json: {
        clientId: 'nope',
        amountCents: -5,
        currency: 'dollars',
        dueDate: '2026-02-30',
        description: '',
        channels: ['fax'],
        scheduleDays: [1, 1],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path.split('.')[0]).sort()).toEqual([
      'amountCents',
      'channels',
      'clientId',
      'currency',
      'description',
      'dueDate',
      'scheduleDays',
    ]);
  });
});

describe('after payment', () => {
  async function paidByStripe() {
    const client = await createClient();
    const invoice = await createInvoice(client.id, { dueDate: DateTime.now().plus({ days: 15 }).toISODate() });
    const paymentIntent = `pi_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    const paid = await deliver('payment_intent.succeeded', {
      id: paymentIntent,
      object: 'payment_intent',
      amount: 8_400,
      currency: 'usd',
      status: 'succeeded',
      metadata: { tenantId: owner.tenantId, invoiceId: invoice.id },
    });
    expect(paid.status).toBe(200);
    expect(await applied(paid.eventId)).toMatchObject({ outcome: 'paid', invoiceId: invoice.id });
    expect((await getInvoice(invoice.id)).status).toBe('paid');
    return { invoice, paymentIntent };
  }

  it('reopens an invoice refunded in full, found through its PaymentIntent', async () => {
    const { invoice, paymentIntent } = await paidByStripe();
    const partial = await deliver('charge.refunded', {
      id: `ch_${randomUUID().slice(0, 8)}`,
      object: 'charge',
      amount: 8_400,
      amount_refunded: 2_000,
      payment_intent: paymentIntent,
      metadata: {},
    });
    expect(partial.status).toBe(200);
    expect(await applied(partial.eventId)).toMatchObject({
      outcome: 'refund_recorded',
      invoiceId: invoice.id,
      signalled: null,
    });
    expect((await getInvoice(invoice.id)).status).toBe('paid');
    const full = await deliver('charge.refunded', {
      id: `ch_${randomUUID().slice(0, 8)}`,
      object: 'charge',
      amount: 8_400,
      amount_refunded: 8_400,
      payment_intent: paymentIntent,
      metadata: {},
    });
    expect(await applied(full.eventId)).toMatchObject({ outcome: 'reopened', invoiceId: invoice.id });
    expect(await getInvoice(invoice.id)).toMatchObject({ status: 'open', paidAt: null });
  });

  it('records a dispute and tells the owner by email', async () => {
    const { invoice, paymentIntent } = await paidByStripe();
    const res = await deliver('charge.dispute.created', {
      id: `dp_${randomUUID().slice(0, 8)}`,
      object: 'dispute',
      amount: 8_400,
      payment_intent: paymentIntent,
      reason: 'fraudulent',
      status: 'needs_response',
      metadata: {},
    });
    expect(res.status).toBe(200);
    // The paid invoice's reminders have ended: there is no run left to pause, and that is no failure.
    const result = await applied(res.eventId);
    expect(result).toMatchObject({
      outcome: 'dispute_recorded',
      invoiceId: invoice.id,
      signalled: null,
      alertEmailId: expect.any(String),
    });
    const alert = await eventually(
      async () => (await e2e.sandbox.sent('gmail')).find((m) => m.to === owner.email && /disputed/i.test(m.subject)),
      30_000,
    );
    expect(alert.text).toContain(invoice.id);
    expect(
      (await e2e.sandbox.sent('gmail')).filter(
        (m) => m.to === owner.email && /disputed/i.test(m.subject) && m.text.includes(invoice.id),
      ),
    ).toHaveLength(1);
  });

  it('pauses the reminders of an open invoice that is disputed', async () => {
    const client = await createClient();
    const invoice = await createInvoice(client.id, { dueDate: DateTime.now().plus({ days: 15 }).toISODate() });
    await eventually(
      async () => ((await getInvoice(invoice.id)).reminders?.state === 'scheduled' ? true : undefined),
      30_000,
    );
    const res = await deliver('charge.dispute.created', {
      id: `dp_${randomUUID().slice(0, 8)}`,
      object: 'dispute',
      amount: 8_400,
      reason: 'fraudulent',
      metadata: { tenantId: owner.tenantId, invoiceId: invoice.id },
    });
    expect(await applied(res.eventId)).toMatchObject({ outcome: 'dispute_recorded', signalled: 'pause' });
    const paused = await eventually(async () => {
      const d = await getInvoice(invoice.id);
      return d.reminders?.state === 'paused' ? d : undefined;
    }, 30_000);
    expect(paused.reminders.nextReminderAt).toBeNull();
  });

  it('answers 200 to an event it does not handle, and records it as ignored', async () => {
    const ignored = await deliver('customer.created', { id: 'cus_123', object: 'customer', metadata: {} });
    expect(ignored.status).toBe(200);
    // No metadata of ours and no PaymentIntent: the default business's.
    expect(await applied(ignored.eventId, e2e.config.defaultTenantId)).toMatchObject({
      outcome: 'ignored',
      invoiceId: null,
      signalled: null,
    });
  });
});

describe('SMS reminders', () => {
  it('texts a consenting client, and falls back to email once the client has opted out', async () => {
    const { zone, today } = zoneAfterNineToday();
    const phone = `+1415555${String(Math.floor(1000 + Math.random() * 8999))}`;
    const client = await createClient({ phone, smsConsent: true, timezone: zone });
    const first = await createInvoice(client.id, { dueDate: today, scheduleDays: [0], channels: ['sms'] });
    const sms = await eventually(async () => (await e2e.sandbox.sent('twilio')).find((m) => m.to === phone), 30_000);
    expect(sms.body).toContain('Harbour Wellness');
    expect(sms.body).toContain('$84.00');
    // Twilio's status callbacks reach the reminder's record too.
    await eventually(
      async () =>
        (await getInvoice(first.id)).reminders.sent.some(
          (r: { channel: string; status: string; deliveryStatus: string | null }) =>
            r.channel === 'sms' && r.status === 'sent' && r.deliveryStatus === 'delivered',
        )
          ? true
          : undefined,
      30_000,
    );

    // The client texts STOP: the SMS webhook withdraws the consent at once, and the next
    // reminder goes by email instead.
    const stop = await e2e.sandbox.control('POST', '/_sandbox/twilio/inbound', {
      from: phone,
      to: '+15005550006',
      body: 'STOP',
    });
    expect(stop.body.status).toBe(200);
    const afterStop = (await e2e.call('GET', `/api/clients/${client.id}`, { token: owner.accessToken })).body;
    expect(afterStop).toMatchObject({ smsConsent: false, smsConsentSource: 'sms:STOP' });
    const emailSentFor = (invoiceId: string) =>
      eventually(async () => {
        const d = await getInvoice(invoiceId);
        return d.reminders.sent.some(
          (r: { channel: string; status: string }) => r.channel === 'email' && r.status === 'sent',
        )
          ? d
          : undefined;
      }, 30_000);
    const second = await createInvoice(client.id, { dueDate: today, scheduleDays: [0], channels: ['sms'] });
    expect((await emailSentFor(second.id)).reminders.sent).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'sms', status: 'skipped' })]),
    );

    // Staff record consent again, but Twilio still holds the opt-out (only START lifts it): it
    // refuses with 21610, the consent is withdrawn again, and the reminder goes by email.
    const regranted = await e2e.call('PATCH', `/api/clients/${client.id}`, {
      token: owner.accessToken,
      json: { smsConsent: true },
    });
    expect(regranted.status).toBe(200);
    const third = await createInvoice(client.id, { dueDate: today, scheduleDays: [0], channels: ['sms'] });
    expect((await emailSentFor(third.id)).reminders.sent).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'sms', status: 'opted_out' })]),
    );
    const after = (await e2e.call('GET', `/api/clients/${client.id}`, { token: owner.accessToken })).body;
    expect(after).toMatchObject({ smsConsent: false, smsConsentSource: 'twilio:21610' });
    expect((await e2e.sandbox.sent('twilio')).filter((m) => m.to === phone)).toHaveLength(1);
  });
});
