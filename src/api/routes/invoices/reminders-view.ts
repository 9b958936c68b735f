// The `reminders` block of an invoice: what was sent comes from Postgres (the record of truth);
// the state and the next instant come from the running workflow's status query.
import type { Client } from '@temporalio/client';
import type { Invoice } from '../../../db/invoices';
import type { InvoiceReminder } from '../../../db/invoice-reminders';
import { queryIfRunning } from '../../../temporal/if-running';
import { paymentReminderStatusQuery, type PaymentReminderStatus } from '../../../workflows/payment-reminder.contract';
import { presentReminder } from './schema';

export async function remindersView(temporal: Client, invoice: Invoice, sent: InvoiceReminder[]) {
  let status: Pick<PaymentReminderStatus, 'state' | 'nextReminderAt'> | null = null;
  if (invoice.status === 'open') {
    // When the workflow cannot answer right now, say what is known rather than fail the read.
    status = await queryIfRunning(temporal, invoice.workflowId, paymentReminderStatusQuery).catch(() => ({
      state: 'scheduled' as const,
      nextReminderAt: null,
    }));
  }
  return {
    state: status?.state ?? 'done',
    nextReminderAt: status?.nextReminderAt ?? null,
    sent: sent.map(presentReminder),
  };
}
