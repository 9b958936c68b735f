// A business's own figures for GET /api/metrics, counted in its tenant transaction (RLS keeps
// every count to the tenant). Money is summed per currency: amounts in different currencies do
// not add up.
import { z } from 'zod';
import { sql, type Db } from './sql';

const count = z.coerce.number().int();

const invoiceCountsRow = z.object({ open: count, overdue: count, paid: count, void: count, uncollectible: count });
const moneyRow = z.object({ currency: z.string(), collected: count, outstanding: count });
const reminderCountsRow = z.object({ email: count, sms: count, smsDelivered: count });
const emailCountsRow = z.object({ queued: count, sent: count, failed: count, retried: count });
const smsCountsRow = z.object({ sent: count, delivered: count, failed: count, received: count });
const unsafeThreadCountsRow = z.object({ open: count, resolved: count });

/** Its shape is declared once, by the route's response schema (businessFiguresSchema), which checks it. */
export async function businessFigures(db: Db) {
  const invoices = await db.one(sql.type(invoiceCountsRow)`
    SELECT count(*) FILTER (WHERE status = 'open') AS open,
           count(*) FILTER (WHERE status = 'open' AND overdue_at IS NOT NULL) AS overdue,
           count(*) FILTER (WHERE status = 'paid') AS paid,
           count(*) FILTER (WHERE status = 'void') AS void,
           count(*) FILTER (WHERE status = 'uncollectible') AS uncollectible
      FROM invoices`);
  const money = await db.any(sql.type(moneyRow)`
    SELECT currency,
           coalesce(sum(amount_cents - refunded_cents) FILTER (WHERE status = 'paid'), 0) AS collected,
           coalesce(sum(amount_cents) FILTER (WHERE status = 'open'), 0) AS outstanding
      FROM invoices GROUP BY currency ORDER BY currency`);
  const reminders = await db.one(sql.type(reminderCountsRow)`
    SELECT count(*) FILTER (WHERE channel = 'email') AS email,
           count(*) FILTER (WHERE channel = 'sms') AS sms,
           count(*) FILTER (WHERE channel = 'sms' AND delivery_status = 'delivered') AS "smsDelivered"
      FROM invoice_reminders WHERE status = 'sent'`);
  const emails = await db.one(sql.type(emailCountsRow)`
    SELECT count(*) FILTER (WHERE status IN ('queued', 'sending')) AS queued,
           count(*) FILTER (WHERE status = 'sent') AS sent,
           count(*) FILTER (WHERE status = 'failed') AS failed,
           count(*) FILTER (WHERE attempts > 1) AS retried
      FROM emails`);
  const sms = await db.one(sql.type(smsCountsRow)`
    SELECT count(*) FILTER (WHERE direction = 'outbound' AND status IN ('sent', 'delivered', 'undelivered')) AS sent,
           count(*) FILTER (WHERE direction = 'outbound' AND status = 'delivered') AS delivered,
           count(*) FILTER (WHERE direction = 'outbound' AND status IN ('failed', 'undelivered')) AS failed,
           count(*) FILTER (WHERE direction = 'inbound') AS received
      FROM sms_messages`);
  const unsafe = await db.one(sql.type(unsafeThreadCountsRow)`
    SELECT count(*) FILTER (WHERE status = 'open') AS open, count(*) FILTER (WHERE status = 'resolved') AS resolved
      FROM unsafe_threads`);
  return {
    invoices: {
      ...invoices,
      collected: money.filter((m) => m.collected > 0).map((m) => ({ currency: m.currency, amountCents: m.collected })),
      outstanding: money
        .filter((m) => m.outstanding > 0)
        .map((m) => ({ currency: m.currency, amountCents: m.outstanding })),
    },
    reminders: { sent: reminders.email + reminders.sms, email: reminders.email, sms: reminders.sms },
    emails,
    // Reminder texts are sent outside the SMS outbox: counted in too.
    sms: { ...sms, sent: sms.sent + reminders.sms, delivered: sms.delivered + reminders.smsDelivered },
    unsafeThreads: unsafe,
  };
}
