// The owner's overdue digest on the time-skipping server, with the real activities against the real
// database and only Gmail and Stripe faked (narrow interfaces): invoices whose reminders all went
// out become overdue once their due date has ended, and the owner hears about all of them in ONE
// email the next morning at 08:00 in the business's zone, not one per invoice, and never twice.
// The time-skipping server has no Schedules: the test starts an overdueDigestPass at the top of
// every hour itself, as the Schedule `overdue-digest` does (its own e2e test checks the Schedule).
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DateTime } from 'luxon';
import type { DatabasePool } from 'slonik';
import { createEmailDeliveryActivities, type OutgoingMailbox } from '../../src/activities/email-delivery';
import { emailGuardHolds } from '../../src/activities/email-guards';
import { createOverdueDigestActivities } from '../../src/activities/overdue-digests';
import {
  createPaymentReminderActivities,
  type PaymentLinks,
  type ReminderSms,
} from '../../src/activities/payment-reminders';
import { insertClient } from '../../src/db/clients';
import { findInvoice, insertInvoice, markInvoiceOverdue } from '../../src/db/invoices';
import { tenantTransactions, withTenant } from '../../src/db/tenant-transaction';
import { insertTenant } from '../../src/db/tenants';
import { insertUser } from '../../src/db/users';
import { DEFAULT_EMAIL_RETRY } from '../../src/domain/email';
import { planReminders } from '../../src/domain/reminder-schedule';
import { createLogger } from '../../src/observability/logger';
import type { OverdueDigestPassResult } from '../../src/workflows/overdue-digest-pass.contract';
import type { overdueDigestPass } from '../../src/workflows/overdue-digest-pass';
import type { paymentReminder } from '../../src/workflows/payment-reminder';
import { createAppPool } from '../helpers/db';
import { recordHistory } from '../helpers/history-fixtures';
import { createTestWorker, createTimeSkippingEnv } from '../helpers/temporal';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const logger = createLogger({ name: 'test', level: 'silent', pretty: false });
const BUSINESS_ZONE = 'America/New_York';
const CLIENT_ZONE = 'Europe/Paris';

let env: TestWorkflowEnvironment;
let pool: DatabasePool;

interface Sent {
  to: string;
  at: number;
  subject: string;
  text: string;
}

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  pool = await createAppPool();
});

afterAll(async () => {
  await env?.teardown();
  await pool?.end();
});

/** A worker with the real activities; what Gmail was asked to send lands in `sent`. */
async function startWorker(taskQueue: string, sent: Sent[], tenantIds: string[], options: { failFor?: string } = {}) {
  const mailbox: OutgoingMailbox = {
    address: 'frontdesk@studio.example',
    gmail: {
      send: async (email) => {
        sent.push({
          to: String(email.to),
          at: await env.currentTimeMs(),
          subject: String(email.subject),
          text: email.text,
        });
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
      expiresAt: new Date(Date.now() + DAY),
    }),
  };
  const sms: ReminderSms = {
    send: async () => {
      throw new Error('no SMS in this test');
    },
    findSent: async () => null,
  };
  const tx = tenantTransactions(pool);
  const digests = createOverdueDigestActivities({ pool, tx, logger });
  const activities = {
    ...createEmailDeliveryActivities({
      tx,
      logger,
      mailboxFor: async () => mailbox,
      guardHolds: emailGuardHolds,
      onReauthRequired: async () => undefined,
    }),
    ...createPaymentReminderActivities({
      tx,
      logger,
      publicBaseUrl: 'http://localhost:3000',
      payments: () => payments,
      sms: () => sms,
    }),
    ...digests,
    // The database is shared by the test files running in parallel: this file's passes look at
    // this file's businesses only, as if they were the only ones.
    listDueOverdueDigests: async (input: Parameters<typeof digests.listDueOverdueDigests>[0]) => {
      const page = await digests.listDueOverdueDigests(input);
      return { ...page, due: page.due.filter((d) => tenantIds.includes(d.tenantId)) };
    },
    prepareOverdueDigest: async (input: Parameters<typeof digests.prepareOverdueDigest>[0]) => {
      if (input.tenantId === options.failFor)
        throw ApplicationFailure.nonRetryable('the database refused this business', 'test_failure');
      return digests.prepareOverdueDigest(input);
    },
  };
  return createTestWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../src/workflows'),
    activities,
  });
}

it('several invoices becoming overdue give the owner one digest the next morning, none before, and nothing twice', async () => {
  const tenantId: string = randomUUID();
  const ownerEmail = `owner-${tenantId}@studio.example`;
  await withTenant(pool, tenantId, async (db) => {
    await insertTenant(db, { id: tenantId, name: 'Studio Nine', timezone: BUSINESS_ZONE });
    await insertUser(db, { tenantId, email: ownerEmail, passwordHash: null, role: 'owner' });
  });
  const taskQueue = `digest-${randomUUID()}`;
  const sent: Sent[] = [];
  const worker = await startWorker(taskQueue, sent, [tenantId]);

  // Three invoices due the same day, each with one reminder on the due date (09:00 Paris).
  const start = await env.currentTimeMs();
  const dueDate = DateTime.fromMillis(start + 3 * DAY, { zone: CLIENT_ZONE }).toISODate() as string;
  const invoices = await withTenant(pool, tenantId, async (db) => {
    const made = [];
    for (const [n, name] of ['Ada', 'Bo', 'Cy'].entries()) {
      const client = await insertClient(db, tenantId, {
        name,
        email: `${name.toLowerCase()}-${randomUUID()}@client.example`,
        phone: null,
        timezone: CLIENT_ZONE,
        notes: null,
        smsConsent: null,
      });
      const id = randomUUID();
      const invoice = await insertInvoice(db, {
        id,
        tenantId,
        clientId: client.id,
        amountCents: 10_000 + n * 2_500,
        currency: 'usd',
        dueDate,
        description: `Session ${n + 1}`,
        channels: ['email'],
        scheduleDays: [0],
        workflowId: `invoice:${tenantId}:${id}`,
      });
      made.push({
        invoice,
        plan: planReminders({ dueDate, scheduleDays: [0], timeZone: CLIENT_ZONE, now: new Date(start) }),
        clientId: client.id,
      });
    }
    return made;
  });
  // The due date ends at midnight in Paris; the business's next 08:00 (New York) comes after that.
  const dueDateEnds = DateTime.fromISO(dueDate, { zone: CLIENT_ZONE }).plus({ days: 1 }).toMillis();
  const digestTime = DateTime.fromMillis(dueDateEnds, { zone: BUSINESS_ZONE }).set({
    hour: 8,
    minute: 0,
    second: 0,
    millisecond: 0,
  });
  const expectedDigestAt = (digestTime.toMillis() < dueDateEnds ? digestTime.plus({ days: 1 }) : digestTime).toMillis();

  const toOwner = () => sent.filter((s) => s.to === ownerEmail);
  const overdueFlags = async () =>
    withTenant(pool, tenantId, async (db) =>
      Promise.all(invoices.map(async ({ invoice }) => (await findInvoice(db, invoice.id))?.overdueAt ?? null)),
    );
  const passes: { workflowId: string; result: OverdueDigestPassResult }[] = [];

  await worker.runUntil(async () => {
    const reminders = await Promise.all(
      invoices.map(({ invoice, plan, clientId }) =>
        env.client.workflow.start<typeof paymentReminder>('paymentReminder', {
          workflowId: invoice.workflowId,
          taskQueue,
          args: [
            { tenantId, invoiceId: invoice.id, clientId, channels: ['email'], plan, emailRetry: DEFAULT_EMAIL_RETRY },
          ],
        }),
      ),
    );
    // A plain client, unlike env.client, does not let the server skip time while it waits for a
    // pass: each pass runs at the hour it was started in, as the Schedule's would.
    const plain = new Client({ connection: env.connection, namespace: env.namespace });
    /** One pass, as the Schedule starts it at the top of an hour. */
    const pass = async (id: string) => {
      const workflowId = `overdue-digest-pass-${id}`;
      const result = await plain.workflow.execute<typeof overdueDigestPass>('overdueDigestPass', {
        workflowId,
        taskQueue,
        args: [{ emailRetry: DEFAULT_EMAIL_RETRY }],
      });
      passes.push({ workflowId, result });
      return result;
    };

    // Hourly passes from the start of the due date (UTC) until the day after the digest.
    const firstPass = DateTime.fromISO(dueDate, { zone: 'UTC' }).toMillis();
    const lastPass = expectedDigestAt + DAY + 2 * HOUR;
    for (let at = firstPass; at <= lastPass; at += HOUR) {
      const wait = at - (await env.currentTimeMs());
      if (wait > 0) await env.sleep(wait);
      const result = await pass(new Date(at).toISOString());
      expect(result.at.slice(0, 13)).toBe(new Date(at).toISOString().slice(0, 13));
      if (at < expectedDigestAt) {
        // Nothing before the due date has passed, nor overnight until the business's 08:00.
        expect(result.digests).toBe(0);
        if (at < dueDateEnds) expect(await overdueFlags()).toEqual([null, null, null]);
      }
      if (at === expectedDigestAt) {
        expect(result).toMatchObject({ digests: 1, invoices: 3 });
        // The pass waits for its sends: the digest is out when it ends.
        expect(toOwner()).toHaveLength(1);
        // A second pass that morning (a retried or overlapping start) sends nothing more.
        expect(await pass(`rerun-${randomUUID()}`)).toMatchObject({ digests: 0, invoices: 0 });
      }
    }
    expect((await overdueFlags()).every((at) => at !== null)).toBe(true);

    // The reminders end overdue once their 90-day wait for a late payment is over.
    await env.sleep(91 * DAY);
    for (const handle of reminders) expect((await handle.result()).outcome).toBe('overdue');
    await recordHistory('paymentReminder--overdue-owner-digest', reminders[0]!);
    const digestPass = passes.find((p) => p.result.digests === 1)!;
    await recordHistory('overdueDigestPass--one-digest', env.client.workflow.getHandle(digestPass.workflowId));
  });

  // Each client had their reminder; the owner had exactly one email, the digest, at 08:00 their time.
  expect(sent.filter((s) => s.to !== ownerEmail)).toHaveLength(3);
  const owner = toOwner();
  expect(owner).toHaveLength(1);
  expect(DateTime.fromMillis(owner[0]!.at, { zone: BUSINESS_ZONE }).toFormat('yyyy-MM-dd HH')).toBe(
    DateTime.fromMillis(expectedDigestAt, { zone: BUSINESS_ZONE }).toFormat('yyyy-MM-dd HH'),
  );
  expect(owner[0]!.subject).toBe('3 invoices overdue, $375.00');
  for (const line of [
    `- Ada: $100.00, due ${dueDate} (Session 1)`,
    `- Bo: $125.00, due ${dueDate} (Session 2)`,
    `- Cy: $150.00, due ${dueDate} (Session 3)`,
  ]) {
    expect(owner[0]!.text).toContain(line);
  }
  expect(passes.filter((p) => p.result.digests > 0)).toHaveLength(1);
});

it("one business's digest failing does not hold up another's, and the next pass makes it", async () => {
  const businesses: { tenantId: string; ownerEmail: string }[] = [];
  for (const name of ['Failing Studio', 'Working Studio']) {
    const tenantId: string = randomUUID();
    const ownerEmail = `owner-${tenantId}@studio.example`;
    await withTenant(pool, tenantId, async (db) => {
      await insertTenant(db, { id: tenantId, name, timezone: 'UTC' });
      await insertUser(db, { tenantId, email: ownerEmail, passwordHash: null, role: 'owner' });
      const client = await insertClient(db, tenantId, {
        name: 'Ada',
        email: null,
        phone: null,
        timezone: null,
        notes: null,
        smsConsent: null,
      });
      const id = randomUUID();
      await insertInvoice(db, {
        id,
        tenantId,
        clientId: client.id,
        amountCents: 5_000,
        currency: 'usd',
        dueDate: '2026-01-05',
        description: 'Trim',
        channels: ['email'],
        scheduleDays: [0],
        workflowId: `invoice:${tenantId}:${id}`,
      });
      // Flagged overdue an hour ago by the server's clock, as its reminder workflow would have.
      await markInvoiceOverdue(db, id, new Date((await env.currentTimeMs()) - HOUR));
    });
    businesses.push({ tenantId, ownerEmail });
  }
  const [failing, working] = businesses as [(typeof businesses)[0], (typeof businesses)[0]];
  const sent: Sent[] = [];
  const plain = new Client({ connection: env.connection, namespace: env.namespace });
  const run = async (failFor?: string) => {
    const taskQueue = `digest-${randomUUID()}`;
    const worker = await startWorker(taskQueue, sent, [failing.tenantId, working.tenantId], { failFor });
    // The next 09:00 UTC: both businesses' 08:00 has come, and the invoices were flagged before it.
    const nine = DateTime.fromMillis(await env.currentTimeMs(), { zone: 'UTC' })
      .plus({ days: 1 })
      .set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
    await env.sleep(nine.toMillis() - (await env.currentTimeMs()));
    return worker.runUntil(
      plain.workflow.execute<typeof overdueDigestPass>('overdueDigestPass', {
        workflowId: `overdue-digest-pass-${randomUUID()}`,
        taskQueue,
        args: [{ emailRetry: DEFAULT_EMAIL_RETRY }],
      }),
    );
  };
  expect(await run(failing.tenantId)).toMatchObject({ digests: 1, invoices: 1, failed: 1 });
  expect(sent.map((s) => s.to)).toEqual([working.ownerEmail]);
  // The next day's pass makes the failed business's digest; the other has nothing new.
  expect(await run()).toMatchObject({ digests: 1, invoices: 1, failed: 0 });
  expect(sent.map((s) => s.to)).toEqual([working.ownerEmail, failing.ownerEmail]);
});
