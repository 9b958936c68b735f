// paymentReminder on the time-skipping server, with the real activities against the real database
// and only the provider calls faked (narrow interfaces): the schedule runs in seconds, and every
// instant is checked against the server's (skipped) clock.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DateTime } from 'luxon';
import type { DatabasePool } from 'slonik';
import { createEmailDeliveryActivities, type OutgoingMailbox } from '../../src/activities/email-delivery';
import { emailGuardHolds } from '../../src/activities/email-guards';
import {
  createPaymentReminderActivities,
  type PaymentLinks,
  type ReminderSms,
} from '../../src/activities/payment-reminders';
import { listAuditEntries } from '../../src/db/audit';
import { findClient, insertClient } from '../../src/db/clients';
import { listReminders } from '../../src/db/invoice-reminders';
import { findInvoice, insertInvoice, markInvoicePaid } from '../../src/db/invoices';
import { withTenant, tenantTransactions } from '../../src/db/tenant-transaction';
import { DEFAULT_EMAIL_RETRY } from '../../src/domain/email';
import { planReminders } from '../../src/domain/reminder-schedule';
import { UpstreamError } from '../../src/errors';
import { createLogger } from '../../src/observability/logger';
import {
  markPaidUpdate,
  paidSignal,
  pauseSignal,
  pauseUpdate,
  paymentReminderStatusQuery,
  rescheduleSignal,
  resumeSignal,
  type PaymentReminderInput,
} from '../../src/workflows/payment-reminder.contract';
import { paymentReminder } from '../../src/workflows/payment-reminder';
import { createAppPool, createTenant } from '../helpers/db';
import { eventually } from '../helpers/eventually';
import { recordHistory } from '../helpers/history-fixtures';
import { createTimeSkippingEnv, createTestWorker } from '../helpers/temporal';

const DAY = 24 * 60 * 60 * 1000;
const logger = createLogger({ name: 'test', level: 'silent', pretty: false });

let env: TestWorkflowEnvironment;
let pool: DatabasePool;
let tenantId: string;

interface Sent {
  channel: 'email' | 'sms';
  to: string;
  at: number;
  text: string;
}

/** A worker with the real activities, whose provider calls land in `sent`. */
async function startWorker(options: {
  taskQueue: string;
  sent: Sent[];
  smsError?: () => UpstreamError | null;
  /** Runs inside prepareReminderEmail after it did its work: a payment "landing" mid-activity. */
  afterPrepare?: (input: { invoiceId: string; step: number }) => Promise<void>;
}) {
  const mailbox: OutgoingMailbox = {
    address: 'frontdesk@salon.example',
    gmail: {
      send: async (email) => {
        options.sent.push({ channel: 'email', to: String(email.to), at: await env.currentTimeMs(), text: email.text });
        return { id: `gm-${randomUUID()}`, threadId: `th-${randomUUID()}`, labelIds: ['SENT'] };
      },
      findByMessageId: async () => null,
    },
  };
  const payments: PaymentLinks = {
    createCheckoutSession: async (input) => ({
      id: `cs_test_${input.idempotencyKey}`,
      url: `https://checkout.example/pay/${input.metadata.invoiceId}`,
      status: 'open',
      paymentStatus: 'unpaid',
      paymentIntentId: null,
      amountTotal: input.amountCents,
      currency: input.currency,
      metadata: input.metadata,
      expiresAt: new Date(Date.now() + 86_400_000),
    }),
  };
  const sms: ReminderSms = {
    send: async (input) => {
      const error = options.smsError?.();
      if (error) throw error;
      options.sent.push({ channel: 'sms', to: input.to, at: await env.currentTimeMs(), text: input.body });
      return { sid: `SM${randomUUID().replace(/-/g, '')}`, status: 'queued', to: input.to, from: '+15005550006' };
    },
    findSent: async () => null,
  };
  const reminders = createPaymentReminderActivities({
    tx: tenantTransactions(pool),
    logger,
    publicBaseUrl: 'http://localhost:3000',
    payments: () => payments,
    sms: () => sms,
  });
  const activities = {
    ...createEmailDeliveryActivities({
      tx: tenantTransactions(pool),
      logger,
      mailboxFor: async () => mailbox,
      guardHolds: emailGuardHolds,
      onReauthRequired: async () => undefined,
    }),
    ...reminders,
    prepareReminderEmail: async (input: Parameters<typeof reminders.prepareReminderEmail>[0]) => {
      const result = await reminders.prepareReminderEmail(input);
      await options.afterPrepare?.(input);
      return result;
    },
  };
  return createTestWorker({
    connection: env.nativeConnection,
    taskQueue: options.taskQueue,
    workflowsPath: require.resolve('../../src/workflows'),
    activities,
  });
}

async function createInvoice(options: {
  dueDate: string;
  scheduleDays: number[];
  timeZone: string;
  channels?: ('email' | 'sms')[];
  phone?: string;
}) {
  const now = new Date(await env.currentTimeMs());
  return withTenant(pool, tenantId, async (db) => {
    const client = await insertClient(db, tenantId, {
      name: 'Ada Client',
      email: `ada-${randomUUID()}@client.example`,
      phone: options.phone ?? null,
      timezone: options.timeZone,
      notes: null,
      smsConsent: options.phone ? { granted: true, source: 'test' } : null,
    });
    const id = randomUUID();
    const invoice = await insertInvoice(db, {
      id,
      tenantId,
      clientId: client.id,
      amountCents: 12_500,
      currency: 'usd',
      dueDate: options.dueDate,
      description: 'Colour and cut',
      channels: options.channels ?? ['email'],
      scheduleDays: options.scheduleDays,
      workflowId: `invoice:${tenantId}:${id}`,
    });
    const input: PaymentReminderInput = {
      tenantId,
      invoiceId: id,
      clientId: client.id,
      channels: options.channels ?? ['email'],
      plan: planReminders({
        dueDate: options.dueDate,
        scheduleDays: options.scheduleDays,
        timeZone: options.timeZone,
        now,
      }),
      emailRetry: DEFAULT_EMAIL_RETRY,
    };
    return { invoice, client, input };
  });
}

async function payInvoice(invoiceId: string) {
  await withTenant(pool, tenantId, (db) => markInvoicePaid(db, invoiceId, { method: 'cash' }));
}

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  pool = await createAppPool();
  tenantId = await createTenant(pool, 'Studio Nine');
});

afterAll(async () => {
  await env?.teardown();
  await pool?.end();
});

it('sends every step at 09:00 client time, across a DST change, then flags the invoice overdue once', async () => {
  const sent: Sent[] = [];
  const taskQueue = `reminders-${randomUUID()}`;
  const worker = await startWorker({ taskQueue, sent });
  // New York springs forward on 2027-03-14: 09:00 is 14:00Z before and 13:00Z after.
  const { input, invoice, client } = await createInvoice({
    dueDate: '2027-03-12',
    scheduleDays: [-3, 0, 3, 7, 14],
    timeZone: 'America/New_York',
  });

  const result = await worker.runUntil(
    env.client.workflow.execute(paymentReminder, { workflowId: invoice.workflowId, taskQueue, args: [input] }),
  );
  await recordHistory('paymentReminder--full-schedule-overdue', env.client.workflow.getHandle(invoice.workflowId));
  const firstEmail = (await withTenant(pool, tenantId, (db) => listReminders(db, invoice.id)))[0]?.emailId;
  if (firstEmail)
    await recordHistory('emailDelivery--sent', env.client.workflow.getHandle(`email:${tenantId}:${firstEmail}`));

  const reminderEmails = sent.filter((s) => s.to === client.email);
  expect(reminderEmails.map((s) => new Date(s.at).toISOString().slice(0, 16))).toEqual([
    '2027-03-09T14:00',
    '2027-03-12T14:00',
    '2027-03-15T13:00',
    '2027-03-19T13:00',
    '2027-03-26T13:00',
  ]);
  expect(reminderEmails[0]!.text).toContain('Studio Nine');
  expect(reminderEmails[0]!.text).toContain('$125.00');
  expect(reminderEmails[0]!.text).toContain(`https://checkout.example/pay/${invoice.id}`);
  expect(result).toMatchObject({ state: 'done', outcome: 'overdue', nextReminderAt: null });
  expect(result.sent.map((s) => [s.step, s.status])).toEqual([
    [-3, 'sent'],
    [0, 'sent'],
    [3, 'sent'],
    [7, 'sent'],
    [14, 'sent'],
  ]);

  const stored = await withTenant(pool, tenantId, (db) => findInvoice(db, invoice.id));
  expect(stored?.overdueAt).not.toBeNull();
  expect(stored?.paymentUrl).toBe(`https://checkout.example/pay/${invoice.id}`);
});

it('stops every later reminder once paid', async () => {
  const sent: Sent[] = [];
  const taskQueue = `reminders-${randomUUID()}`;
  const worker = await startWorker({ taskQueue, sent });
  const start = await env.currentTimeMs();
  const dueDate = new Date(start + 10 * DAY).toISOString().slice(0, 10);
  const { input, invoice } = await createInvoice({ dueDate, scheduleDays: [-3, 0, 3, 7], timeZone: 'UTC' });

  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(paymentReminder, {
      workflowId: invoice.workflowId,
      taskQueue,
      args: [input],
    });
    await env.sleep(10 * DAY + DAY / 2); // past the -3 and 0 steps
    expect((await handle.query(paymentReminderStatusQuery)).sent).toHaveLength(2);
    await payInvoice(invoice.id);
    await handle.signal(paidSignal, { method: 'cash' });
    const result = await handle.result();
    expect(result.outcome).toBe('paid');
    await recordHistory('paymentReminder--paid-midway', handle);
  });
  expect(sent).toHaveLength(2);
});

it('sends nothing when the payment lands while the reminder is being prepared', async () => {
  const sent: Sent[] = [];
  const taskQueue = `reminders-${randomUUID()}`;
  let workflowId = '';
  const worker = await startWorker({
    taskQueue,
    sent,
    afterPrepare: async ({ invoiceId }) => {
      await payInvoice(invoiceId);
      await env.client.workflow.getHandle(workflowId).signal(paidSignal, { method: 'stripe' });
    },
  });
  const start = await env.currentTimeMs();
  const dueDate = new Date(start + 2 * DAY).toISOString().slice(0, 10);
  const { input, invoice } = await createInvoice({ dueDate, scheduleDays: [0, 3], timeZone: 'UTC' });
  workflowId = invoice.workflowId;

  const result = await worker.runUntil(
    env.client.workflow.execute(paymentReminder, { workflowId, taskQueue, args: [input] }),
  );

  expect(sent).toEqual([]);
  expect(result.outcome).toBe('paid');
  expect(result.sent).toEqual([expect.objectContaining({ step: 0, channel: 'email', status: 'cancelled' })]);
});

it('pauses, then on resume sends only the latest missed step at once and the rest on time', async () => {
  const sent: Sent[] = [];
  const taskQueue = `reminders-${randomUUID()}`;
  const worker = await startWorker({ taskQueue, sent });
  const start = await env.currentTimeMs();
  const dueDate = new Date(start + 5 * DAY).toISOString().slice(0, 10);
  const { input, invoice } = await createInvoice({ dueDate, scheduleDays: [0, 1, 2, 10], timeZone: 'UTC' });

  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(paymentReminder, {
      workflowId: invoice.workflowId,
      taskQueue,
      args: [input],
    });
    await handle.signal(pauseSignal);
    expect((await handle.query(paymentReminderStatusQuery)).state).toBe('paused');
    await env.sleep(8 * DAY); // steps 0, 1 and 2 all pass while paused
    expect(sent).toHaveLength(0);
    const resumedAt = await env.currentTimeMs();
    await handle.signal(resumeSignal);
    await env.sleep(60_000);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.at - resumedAt).toBeLessThan(60_000);
    expect((await handle.query(paymentReminderStatusQuery)).sent.map((s) => s.step)).toEqual([2]);
    const result = await handle.result();
    expect(result.sent.map((s) => s.step)).toEqual([2, 10]);
    await recordHistory('paymentReminder--pause-resume', handle);
  });
  expect(sent).toHaveLength(2);
  expect(new Date(sent[1]!.at).toISOString().slice(11, 16)).toBe('09:00');
});

it('follows a reschedule to a later due date', async () => {
  const sent: Sent[] = [];
  const taskQueue = `reminders-${randomUUID()}`;
  const worker = await startWorker({ taskQueue, sent });
  const start = await env.currentTimeMs();
  const day = (n: number) => new Date(start + n * DAY).toISOString().slice(0, 10);
  const { input, invoice } = await createInvoice({ dueDate: day(3), scheduleDays: [0, 2], timeZone: 'UTC' });

  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(paymentReminder, {
      workflowId: invoice.workflowId,
      taskQueue,
      args: [input],
    });
    const plan = planReminders({
      dueDate: day(20),
      scheduleDays: [0, 2],
      timeZone: 'UTC',
      now: new Date(await env.currentTimeMs()),
    });
    await handle.signal(rescheduleSignal, { dueDate: day(20), plan });
    expect((await handle.query(paymentReminderStatusQuery)).nextReminderAt).toBe(`${day(20)}T09:00:00.000Z`);
    await handle.result();
    await recordHistory('paymentReminder--reschedule', handle);
  });
  expect(sent.map((s) => new Date(s.at).toISOString().slice(0, 16))).toEqual([`${day(20)}T09:00`, `${day(22)}T09:00`]);
});

it('falls back to email when the client has opted out of SMS (Twilio 21610)', async () => {
  const sent: Sent[] = [];
  const taskQueue = `reminders-${randomUUID()}`;
  const worker = await startWorker({
    taskQueue,
    sent,
    smsError: () =>
      new UpstreamError('Attempt to send to unsubscribed recipient', {
        provider: 'twilio',
        code: 'recipient_opted_out',
        retryable: false,
        httpStatus: 400,
      }),
  });
  const start = await env.currentTimeMs();
  const { input, invoice, client } = await createInvoice({
    dueDate: new Date(start + 2 * DAY).toISOString().slice(0, 10),
    scheduleDays: [0],
    timeZone: 'UTC',
    channels: ['sms'],
    phone: '+15555550123',
  });
  const result = await worker.runUntil(
    env.client.workflow.execute(paymentReminder, { workflowId: invoice.workflowId, taskQueue, args: [input] }),
  );
  expect(result.sent.map((s) => [s.channel, s.status])).toEqual([
    ['sms', 'opted_out'],
    ['email', 'sent'],
  ]);
  expect(sent.map((s) => s.channel)).toEqual(['email']);
  const stored = await withTenant(pool, tenantId, (db) => findClient(db, client.id));
  expect(stored?.smsConsent).toBe(false);
  expect(stored?.smsConsentSource).toBe('twilio:21610');
});

it('stops on cancel and records who cancelled', async () => {
  const sent: Sent[] = [];
  const taskQueue = `reminders-${randomUUID()}`;
  const worker = await startWorker({ taskQueue, sent });
  const start = await env.currentTimeMs();
  const { input, invoice } = await createInvoice({
    dueDate: new Date(start + 4 * DAY).toISOString().slice(0, 10),
    scheduleDays: [0, 3],
    timeZone: 'UTC',
  });

  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(paymentReminder, {
      workflowId: invoice.workflowId,
      taskQueue,
      args: [input],
    });
    await env.sleep(DAY);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    await recordHistory('paymentReminder--cancelled', handle);
    await env.sleep(10 * DAY);
  });
  expect(sent).toEqual([]);
  const audit = await withTenant(pool, tenantId, (db) =>
    listAuditEntries(db, { target: `invoice:${invoice.id}`, action: 'invoice.reminders_cancelled', limit: 5 }),
  );
  expect(audit).toHaveLength(1);
  expect(audit[0]!.detail.identity).toEqual(expect.any(String));
});

it('as Updates: pause is refused once every reminder went out, a late payment by hand is still taken and lands on the invoice', async () => {
  const sent: Sent[] = [];
  const taskQueue = `reminders-${randomUUID()}`;
  const worker = await startWorker({ taskQueue, sent });
  const start = await env.currentTimeMs();
  const { input, invoice } = await createInvoice({
    dueDate: new Date(start + 2 * DAY).toISOString().slice(0, 10),
    scheduleDays: [0],
    timeZone: 'UTC',
  });

  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(paymentReminder, {
      workflowId: invoice.workflowId,
      taskQueue,
      args: [input],
    });
    await env.sleep(5 * DAY); // the only step goes out; the workflow now waits for a late payment
    expect(sent).toHaveLength(1);
    // The validator's reason reaches the caller as the update's failure cause.
    await expect(handle.executeUpdate(pauseUpdate)).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/already finished/) },
    });
    await expect(handle.executeUpdate(markPaidUpdate, { args: [{ method: 'barter' }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/method must be one of/) },
    });
    const status = await handle.executeUpdate(markPaidUpdate, { args: [{ method: 'cash' }] });
    expect(status).toMatchObject({ state: 'done', outcome: 'paid' });
    expect(await handle.result()).toMatchObject({ outcome: 'paid' });
  });
  // Paid through Temporal (no recorded flag): the workflow wrote the invoice row itself.
  expect(await withTenant(pool, tenantId, (db) => findInvoice(db, invoice.id))).toMatchObject({
    status: 'paid',
    paidMethod: 'cash',
  });
});

it('does not flag an invoice overdue on its due date, only once that day has ended in the client zone', async () => {
  const sent: Sent[] = [];
  const taskQueue = `reminders-${randomUUID()}`;
  const worker = await startWorker({ taskQueue, sent });
  const start = await env.currentTimeMs();
  const dueDate = new Date(start + 5 * DAY).toISOString().slice(0, 10);
  // The only step is the due date itself, 09:00 in Paris.
  const { input, invoice, client } = await createInvoice({ dueDate, scheduleDays: [0], timeZone: 'Europe/Paris' });
  const endOfDueDate = DateTime.fromISO(dueDate, { zone: 'Europe/Paris' }).plus({ days: 1 }).startOf('day').toMillis();

  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(paymentReminder, {
      workflowId: invoice.workflowId,
      taskQueue,
      args: [input],
    });
    // 23:30 Paris time on the due date: the reminder went out at 09:00, the invoice is not overdue yet.
    await env.sleep(endOfDueDate - 30 * 60 * 1000 - (await env.currentTimeMs()));
    expect(sent.filter((s) => s.to === client.email)).toHaveLength(1);
    expect((await withTenant(pool, tenantId, (db) => findInvoice(db, invoice.id)))?.overdueAt).toBeNull();
    // Past midnight it is, and the workflow ends overdue once its wait for a late payment is over.
    await env.sleep(2 * 60 * 60 * 1000);
    await eventually(async () =>
      (await withTenant(pool, tenantId, (db) => findInvoice(db, invoice.id)))?.overdueAt ? true : undefined,
    );
    expect((await handle.result()).outcome).toBe('overdue');
    await recordHistory('paymentReminder--overdue-after-due-date', handle);
  });
});

it("starts its email child on the delivery queue named in its input, which only that queue's worker runs", async () => {
  const sent: Sent[] = [];
  const taskQueue = `reminders-${randomUUID()}`;
  const deliveryTaskQueue = `${taskQueue}-delivery`;
  const reminders = await startWorker({ taskQueue, sent });
  const delivery = await startWorker({ taskQueue: deliveryTaskQueue, sent });
  const start = await env.currentTimeMs();
  const dueDate = new Date(start + 2 * DAY).toISOString().slice(0, 10);
  const { input, invoice, client } = await createInvoice({ dueDate, scheduleDays: [0], timeZone: 'UTC' });

  const result = await reminders.runUntil(
    delivery.runUntil(
      env.client.workflow.execute(paymentReminder, {
        workflowId: invoice.workflowId,
        taskQueue,
        args: [{ ...input, deliveryTaskQueue }],
      }),
    ),
  );
  await recordHistory('paymentReminder--email-on-delivery-queue', env.client.workflow.getHandle(invoice.workflowId));
  expect(result.sent).toEqual([expect.objectContaining({ step: 0, channel: 'email', status: 'sent' })]);
  expect(sent.filter((s) => s.to === client.email)).toHaveLength(1);
  const emailId = (await withTenant(pool, tenantId, (db) => listReminders(db, invoice.id)))[0]?.emailId;
  const child = await env.client.workflow.getHandle(`email:${tenantId}:${emailId}`).describe();
  expect(child).toMatchObject({ type: 'emailDelivery', taskQueue: deliveryTaskQueue, status: { name: 'COMPLETED' } });
});
