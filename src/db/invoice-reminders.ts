import { z } from 'zod';
import { sql, type Db } from './sql';

export const REMINDER_STATUSES = ['queued', 'sent', 'failed', 'skipped', 'cancelled', 'opted_out'] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

export const reminderRow = z.object({
  step: z.number().int(),
  channel: z.enum(['email', 'sms']),
  status: z.enum(REMINDER_STATUSES),
  emailId: z.guid().nullable(),
  smsSid: z.string().nullable(),
  detail: z.string().nullable(),
  /** For a text: where Twilio's status callbacks say it got (sent, delivered, undelivered, failed). */
  deliveryStatus: z.enum(['sent', 'delivered', 'undelivered', 'failed']).nullable(),
  at: z.date(),
});
export type InvoiceReminder = z.infer<typeof reminderRow>;

/** One row per invoice, step and channel: a retried activity updates it instead of adding one. */
export async function recordReminder(
  db: Db,
  r: {
    tenantId: string;
    invoiceId: string;
    step: number;
    channel: 'email' | 'sms';
    status: ReminderStatus;
    emailId?: string | null;
    smsSid?: string | null;
    detail?: string | null;
  },
): Promise<void> {
  await db.query(sql.typeAlias('void')`
    INSERT INTO invoice_reminders (tenant_id, invoice_id, step, channel, status, email_id, sms_sid, detail)
    VALUES (${r.tenantId}, ${r.invoiceId}, ${r.step}, ${r.channel}, ${r.status}, ${r.emailId ?? null}, ${r.smsSid ?? null}, ${r.detail ?? null})
    ON CONFLICT (invoice_id, step, channel) DO UPDATE
      SET status = EXCLUDED.status,
          email_id = COALESCE(EXCLUDED.email_id, invoice_reminders.email_id),
          sms_sid = COALESCE(EXCLUDED.sms_sid, invoice_reminders.sms_sid),
          detail = EXCLUDED.detail,
          at = now()`);
}

export async function listReminders(db: Db, invoiceId: string): Promise<InvoiceReminder[]> {
  return [
    ...(await db.any(sql.type(reminderRow)`
      SELECT step, channel, status, email_id AS "emailId", sms_sid AS "smsSid", detail, delivery_status AS "deliveryStatus", at
      FROM invoice_reminders WHERE invoice_id = ${invoiceId} ORDER BY at, step, channel`)),
  ];
}
