// The reminders an open invoice still has to send, from now on: its schedule timed in the
// client's zone (else the business's), minus every step already sent or queued. What a restart
// of its reminder workflow starts from, whoever restarts it (an admin, the guardian).
import { planReminders, type PlannedReminder } from '../domain/reminder-schedule';
import { findClient } from './clients';
import { listReminders } from './invoice-reminders';
import type { Invoice } from './invoices';
import type { Db } from './sql';
import { findTenant } from './tenants';

export async function remainingReminderPlan(db: Db, invoice: Invoice, now: Date): Promise<PlannedReminder[]> {
  const [client, tenant, sent] = await Promise.all([
    findClient(db, invoice.clientId),
    findTenant(db, invoice.tenantId),
    listReminders(db, invoice.id),
  ]);
  return planReminders({
    dueDate: invoice.dueDate,
    scheduleDays: invoice.scheduleDays,
    timeZone: client?.timezone ?? tenant?.timezone ?? 'UTC',
    now,
    alreadySent: sent.filter((r) => r.status === 'sent' || r.status === 'queued').map((r) => r.step),
  });
}
