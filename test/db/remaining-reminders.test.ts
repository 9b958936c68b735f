// What a restart of an invoice's reminders starts from (POST /api/invoices/:id/reminders/restart
// and the guardian): the schedule in the client's zone, without any step already sent or queued.
import { randomUUID } from 'node:crypto';
import type { DatabasePool } from 'slonik';
import { insertClient } from '../../src/db/clients';
import { recordReminder } from '../../src/db/invoice-reminders';
import { insertInvoice } from '../../src/db/invoices';
import { remainingReminderPlan } from '../../src/db/remaining-reminders';
import { withTenant } from '../../src/db/tenant-transaction';
import { createAppPool, createTenant } from '../helpers/db';

let pool: DatabasePool;
let tenantId: string;
beforeAll(async () => {
  pool = await createAppPool();
  tenantId = await createTenant(pool, 'Restart Studio');
});
afterAll(() => pool.end());

it('leaves out the steps already sent or queued, and times the rest in the client zone', async () => {
  const plan = await withTenant(pool, tenantId, async (db) => {
    const client = await insertClient(db, tenantId, {
      name: 'Ada',
      email: 'ada@example.com',
      phone: null,
      timezone: 'America/New_York',
      notes: null,
      smsConsent: null,
    });
    const id = randomUUID();
    const invoice = await insertInvoice(db, {
      id,
      tenantId,
      clientId: client.id,
      amountCents: 5_000,
      currency: 'usd',
      dueDate: '2027-03-10',
      description: 'Cut',
      channels: ['email'],
      scheduleDays: [-3, 0, 3, 7],
      workflowId: `invoice:${tenantId}:${id}`,
    });
    await recordReminder(db, { tenantId, invoiceId: id, step: -3, channel: 'email', status: 'sent' });
    await recordReminder(db, { tenantId, invoiceId: id, step: 0, channel: 'email', status: 'queued' });
    await recordReminder(db, { tenantId, invoiceId: id, step: 3, channel: 'email', status: 'failed' });
    return remainingReminderPlan(db, invoice, new Date('2027-03-12T12:00:00Z'));
  });
  // -3 sent and 0 queued are left out; 3 (failed) and 7 go at 09:00 New York, before and after
  // the clocks change on 14 March.
  expect(plan).toEqual([
    { step: 3, at: '2027-03-13T14:00:00.000Z', status: 'scheduled' },
    { step: 7, at: '2027-03-17T13:00:00.000Z', status: 'scheduled' },
  ]);
});
