// What the booking workflow sent about a booking, or decided not to send: one row per message
// (kind, channel, reminder offset) and per start time it was about, so a retried send updates its
// row and a reschedule starts fresh rows. The status view of GET /api/bookings/:id reads these.
import { z } from 'zod';
import { BOOKING_CHANNELS, type BookingChannel } from '../domain/bookings';
import { sql, type Db } from './sql';

export const BOOKING_MESSAGE_KINDS = ['confirmation', 'reminder', 'rescheduled', 'cancelled'] as const;
export type BookingMessageKind = (typeof BOOKING_MESSAGE_KINDS)[number];
export const BOOKING_MESSAGE_STATUSES = ['queued', 'sent', 'failed', 'skipped', 'cancelled', 'opted_out'] as const;
export type BookingMessageStatus = (typeof BOOKING_MESSAGE_STATUSES)[number];

export const bookingMessageRow = z.object({
  kind: z.enum(BOOKING_MESSAGE_KINDS),
  channel: z.enum(BOOKING_CHANNELS),
  minutesBefore: z.number().int(),
  forStartAt: z.coerce.date(),
  dueAt: z.coerce.date().nullable(),
  status: z.enum(BOOKING_MESSAGE_STATUSES),
  emailId: z.string().nullable(),
  smsSid: z.string().nullable(),
  deliveryStatus: z.enum(['sent', 'delivered', 'undelivered', 'failed']).nullable(),
  detail: z.string().nullable(),
  at: z.coerce.date(),
});
export type BookingMessage = z.infer<typeof bookingMessageRow>;

export interface BookingMessageRecord {
  tenantId: string;
  bookingId: string;
  kind: BookingMessageKind;
  channel: BookingChannel;
  /** The reminder's offset before the start; 0 for the other kinds. */
  minutesBefore?: number;
  forStartAt: Date;
  dueAt?: Date | null;
  status: BookingMessageStatus;
  emailId?: string | null;
  smsSid?: string | null;
  detail?: string | null;
}

export async function recordBookingMessage(db: Db, m: BookingMessageRecord): Promise<void> {
  await db.query(sql.typeAlias('void')`
    INSERT INTO booking_reminders (tenant_id, booking_id, kind, channel, minutes_before, for_start_at, due_at, status, email_id, sms_sid, detail)
    VALUES (${m.tenantId}, ${m.bookingId}, ${m.kind}, ${m.channel}, ${m.minutesBefore ?? 0}, ${m.forStartAt.toISOString()},
            ${m.dueAt ? m.dueAt.toISOString() : null}, ${m.status}, ${m.emailId ?? null}, ${m.smsSid ?? null}, ${m.detail ?? null})
    ON CONFLICT ON CONSTRAINT booking_reminders_message_key DO UPDATE
      SET status = EXCLUDED.status,
          due_at = COALESCE(EXCLUDED.due_at, booking_reminders.due_at),
          email_id = COALESCE(EXCLUDED.email_id, booking_reminders.email_id),
          sms_sid = COALESCE(EXCLUDED.sms_sid, booking_reminders.sms_sid),
          detail = EXCLUDED.detail,
          at = now()`);
}

/** Oldest first. */
export async function listBookingMessages(db: Db, bookingId: string): Promise<BookingMessage[]> {
  return [
    ...(await db.any(sql.type(bookingMessageRow)`
      SELECT kind, channel, minutes_before AS "minutesBefore", for_start_at AS "forStartAt", due_at AS "dueAt", status,
             email_id AS "emailId", sms_sid AS "smsSid", delivery_status AS "deliveryStatus", detail, at
        FROM booking_reminders WHERE booking_id = ${bookingId} ORDER BY at, kind, channel, minutes_before`)),
  ];
}

/**
 * Twilio's delivery status for a booking text, found by its SID: moves only forward (a late
 * `sent` after `delivered` changes nothing). True when it changed a row.
 */
export async function applyBookingSmsDeliveryStatus(
  db: Db,
  update: { sid: string; status: 'sent' | 'delivered' | 'undelivered' | 'failed'; error: string | null },
): Promise<boolean> {
  const result = await db.query(sql.typeAlias('void')`
    UPDATE booking_reminders
       SET delivery_status = ${update.status}, delivery_error = COALESCE(${update.error}, delivery_error)
     WHERE sms_sid = ${update.sid} AND channel = 'sms'
       AND (delivery_status IS NULL OR (delivery_status = 'sent' AND ${update.status} <> 'sent'))`);
  return result.rowCount > 0;
}
