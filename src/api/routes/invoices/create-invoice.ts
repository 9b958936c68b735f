// Creating an invoice, the one way it is done: stored in the request's tenant transaction, audited,
// and its paymentReminder workflow started inside that transaction (if Temporal refuses, the
// invoice is not stored either). POST /api/invoices and completing a booking both come here.
import { randomUUID } from 'node:crypto';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Config } from '../../../config';
import { findClient } from '../../../db/clients';
import { insertInvoice, type Invoice } from '../../../db/invoices';
import type { TenantTx } from '../../../db/sql';
import { findTenant, tenantReminderSchedule } from '../../../db/tenants';
import { DEFAULT_SCHEDULE_DAYS, planReminders } from '../../../domain/reminder-schedule';
import { invoiceWorkflowId } from '../../../domain/workflow-ids';
import { ValidationError } from '../../../errors';
import { startPaymentReminder } from '../../../workflow-starters/payment-reminder';
import type { AuditNote } from '../../endpoint';

export interface NewInvoiceRequest {
  clientId: string;
  amountCents: number;
  currency: string;
  dueDate: string;
  description: string;
  channels?: ('email' | 'sms')[];
  scheduleDays?: number[];
}

export async function createInvoice(
  deps: { config: Config; temporal: TemporalClient },
  tx: { db: TenantTx; tenantId: string; audit(note: AuditNote): Promise<void> },
  request: NewInvoiceRequest,
  fieldPrefix = '',
): Promise<Invoice> {
  const { db, tenantId } = tx;
  const client = await findClient(db, request.clientId);
  if (!client)
    throw new ValidationError([{ path: `${fieldPrefix}clientId`, message: 'is not a client of this business' }]);
  const channels = request.channels ?? ['email'];
  if (channels.length === 1 && channels[0] === 'sms' && !client.phone) {
    throw new ValidationError([{ path: `${fieldPrefix}channels`, message: 'sms needs a client with a phone number' }]);
  }
  const scheduleDays = request.scheduleDays ??
    (await tenantReminderSchedule(db, tenantId)) ?? [...DEFAULT_SCHEDULE_DAYS];
  const id = randomUUID();
  const invoice = await insertInvoice(db, {
    id,
    tenantId,
    clientId: client.id,
    amountCents: request.amountCents,
    currency: request.currency,
    dueDate: request.dueDate,
    description: request.description,
    channels,
    scheduleDays,
    workflowId: invoiceWorkflowId(tenantId, id),
  });
  await tx.audit({
    action: 'invoice.created',
    target: `invoice:${id}`,
    detail: { amountCents: request.amountCents, currency: request.currency, dueDate: request.dueDate },
  });
  // Reminders go at 09:00 in the client's zone, else the business's.
  const timeZone = client.timezone ?? (await findTenant(db, tenantId))?.timezone ?? 'UTC';
  const plan = planReminders({ dueDate: request.dueDate, scheduleDays, timeZone, now: new Date() });
  await startPaymentReminder(deps.temporal, deps.config, {
    tenantId,
    invoiceId: id,
    clientId: client.id,
    channels,
    plan,
  });
  return invoice;
}
