import type { Invoice } from '../../../db/invoices';
import { INVOICE_STATUSES, PAID_METHODS } from '../../../db/invoices';
import type { InvoiceReminder } from '../../../db/invoice-reminders';
import { isKnownCurrency } from '../../../domain/money';
import { instant, idParams } from '../../openapi/common';
import { z } from '../../openapi/zod';
import { calendarDate } from '../../fields/calendar-date';
import { scheduleDaysField } from '../../fields/schedule-days';
import { pageOf, pageQuery } from '../../pagination';

export { idParams };

const channelsField = z
  .array(z.enum(['email', 'sms']))
  .min(1)
  .max(2)
  .refine((c) => new Set(c).size === c.length, 'must not repeat a channel')
  .openapi({ example: ['email', 'sms'] });

export const createInvoiceBody = z
  .object({
    clientId: z.guid(),
    amountCents: z
      .number()
      .int()
      .min(1)
      .max(100_000_000)
      .openapi({ example: 12500, description: 'In the minor unit of the currency' }),
    currency: z
      .string()
      .trim()
      .toLowerCase()
      .refine(isKnownCurrency, 'must be an ISO 4217 currency code like "usd"')
      .openapi({ example: 'usd' }),
    dueDate: calendarDate,
    description: z.string().trim().min(1).max(2000).openapi({ example: 'Colour and cut, 14 November' }),
    channels: channelsField.optional(),
    scheduleDays: scheduleDaysField.optional(),
  })
  .strict()
  .openapi('CreateInvoice', {
    example: {
      clientId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
      amountCents: 12500,
      currency: 'usd',
      dueDate: '2026-12-01',
      description: 'Colour and cut',
      channels: ['email'],
      scheduleDays: [-3, 0, 3, 7, 14],
    },
  });

export const markPaidBody = z
  .object({
    method: z.enum(PAID_METHODS.filter((m) => m !== 'stripe') as ['cash', 'check', 'bank', 'other']),
    note: z.string().trim().max(1000).optional(),
  })
  .strict()
  .openapi('MarkInvoicePaid', { example: { method: 'cash', note: 'Paid at the desk' } });

export const rescheduleBody = z
  .object({ dueDate: calendarDate.optional(), scheduleDays: scheduleDaysField.optional() })
  .strict()
  .refine((b) => b.dueDate !== undefined || b.scheduleDays !== undefined, 'Send dueDate, scheduleDays or both')
  .openapi('RescheduleInvoice', { minProperties: 1, example: { dueDate: '2026-12-15' } });

export const listInvoicesQuery = pageQuery.extend({ status: z.enum(INVOICE_STATUSES).optional() });

const sentReminder = z.object({
  step: z.number().int(),
  channel: z.enum(['email', 'sms']),
  at: instant,
  status: z.string(),
  deliveryStatus: z.enum(['sent', 'delivered', 'undelivered', 'failed']).nullable().openapi({
    description: "For a text: what Twilio's delivery callbacks reported; null for email or before any callback",
  }),
});

export const remindersSchema = z.object({
  state: z.enum(['scheduled', 'paused', 'done']),
  nextReminderAt: instant.nullable(),
  sent: z.array(sentReminder),
});

export const invoiceSchema = z
  .object({
    id: z.guid(),
    clientId: z.guid(),
    amountCents: z.number().int(),
    currency: z.string(),
    dueDate: z.string(),
    description: z.string(),
    channels: z.array(z.enum(['email', 'sms'])),
    scheduleDays: z.array(z.number().int()),
    status: z.enum(INVOICE_STATUSES),
    overdue: z.boolean(),
    paymentUrl: z.string().nullable(),
    paidAt: instant.nullable(),
    paidMethod: z.enum(PAID_METHODS).nullable(),
    workflowId: z.string(),
    createdAt: instant,
  })
  .openapi('Invoice');

export const invoiceDetailSchema = invoiceSchema.extend({ reminders: remindersSchema }).openapi('InvoiceDetail');
export const invoicePage = pageOf(invoiceSchema).openapi('InvoicePage');

export function presentInvoice(i: Invoice): z.infer<typeof invoiceSchema> {
  return {
    id: i.id,
    clientId: i.clientId,
    amountCents: i.amountCents,
    currency: i.currency,
    dueDate: i.dueDate,
    description: i.description,
    channels: i.channels,
    scheduleDays: i.scheduleDays,
    status: i.status,
    overdue: i.overdueAt !== null,
    paymentUrl: i.paymentUrl,
    paidAt: i.paidAt?.toISOString() ?? null,
    paidMethod: i.paidMethod,
    workflowId: i.workflowId,
    createdAt: i.createdAt.toISOString(),
  };
}

export function presentReminder(r: InvoiceReminder): z.infer<typeof sentReminder> {
  return {
    step: r.step,
    channel: r.channel,
    at: r.at.toISOString(),
    status: r.status,
    deliveryStatus: r.deliveryStatus,
  };
}
