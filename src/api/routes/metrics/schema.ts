import { z } from '../../openapi/zod';

const count = z.number().int().nonnegative();
const amounts = z.array(z.object({ currency: z.string().openapi({ example: 'usd' }), amountCents: count }));

export const businessFiguresSchema = z
  .object({
    invoices: z.object({
      open: count,
      overdue: count.openapi({
        description: 'Open invoices whose last reminder went out unpaid (also counted in open)',
      }),
      paid: count,
      void: count,
      uncollectible: count,
      collected: amounts.openapi({ description: 'Paid, net of refunds, per currency' }),
      outstanding: amounts.openapi({ description: 'Still open, per currency' }),
    }),
    reminders: z.object({ sent: count, email: count, sms: count }),
    emails: z.object({
      queued: count.openapi({ description: 'Waiting for a (next) try' }),
      sent: count,
      failed: count,
      retried: count.openapi({ description: 'Needed more than one attempt' }),
    }),
    sms: z.object({
      sent: count,
      delivered: count,
      failed: count.openapi({ description: 'Failed or undelivered' }),
      received: count,
    }),
    unsafeThreads: z.object({ open: count, resolved: count }),
  })
  .openapi('BusinessFigures');
