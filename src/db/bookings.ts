// Bookings. The database keeps confirmed bookings of one calendar from overlapping (the
// bookings_no_overlap exclusion constraint, up to each booking's blocked_until): an insert or a
// reschedule that would overlap fails with BookingOverlapError, a 409, however many requests race
// for the slot. Status moves only forward from confirmed (cancelled, completed, no_show); every
// transition answers the booking it changed, or null when it was not confirmed (or not visible).
import { z } from 'zod';
import {
  BOOKING_CHANNELS,
  BOOKING_STATUSES,
  type BookingChannel,
  type BookingStatus,
  CANCELLED_BY,
  type CancelledBy,
} from '../domain/bookings';
import { ConflictError } from '../errors';
import { SQLSTATE, violatedConstraint } from './constraint-violation';
import { sql, type Db } from './sql';

const busyRow = z.object({ start: z.coerce.date(), end: z.coerce.date() });

/**
 * The calendar bookings go into: the primary calendar of the business's one Google account. Its
 * alias rather than the account's address, so bookings made before Google was connected (or
 * after it was reconnected) are checked against each other by bookings_no_overlap all the same.
 */
export const BOOKING_CALENDAR_ID = 'primary';

export const bookingRow = z.object({
  id: z.string(),
  tenantId: z.string(),
  clientId: z.string(),
  serviceId: z.string(),
  calendarId: z.string(),
  startAt: z.coerce.date(),
  endAt: z.coerce.date(),
  blockedUntil: z.coerce.date(),
  status: z.enum(BOOKING_STATUSES),
  notes: z.string().nullable(),
  channels: z.array(z.enum(BOOKING_CHANNELS)),
  calendarEventId: z.string().nullable(),
  rescheduledAt: z.coerce.date().nullable(),
  cancelledAt: z.coerce.date().nullable(),
  cancelledBy: z.enum(CANCELLED_BY).nullable(),
  cancellationReason: z.string().nullable(),
  completedAt: z.coerce.date().nullable(),
  noShowAt: z.coerce.date().nullable(),
  invoiceId: z.string().nullable(),
  workflowId: z.string(),
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date(),
});
export type Booking = z.infer<typeof bookingRow>;

const columns = sql.fragment`
  id, tenant_id AS "tenantId", client_id AS "clientId", service_id AS "serviceId", calendar_id AS "calendarId",
  start_at AS "startAt", end_at AS "endAt", blocked_until AS "blockedUntil", status, notes, channels,
  calendar_event_id AS "calendarEventId", rescheduled_at AS "rescheduledAt", cancelled_at AS "cancelledAt",
  cancelled_by AS "cancelledBy", cancellation_reason AS "cancellationReason", completed_at AS "completedAt",
  no_show_at AS "noShowAt", invoice_id AS "invoiceId", workflow_id AS "workflowId",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The time asked for overlaps a confirmed booking of the same calendar (buffers included). */
export class BookingOverlapError extends ConflictError {
  readonly errors = [{ path: 'startAt', message: 'overlaps a confirmed booking of this calendar' }];
  constructor() {
    super('startAt overlaps a confirmed booking of this calendar');
  }
}

export interface TimeBlock {
  startAt: Date;
  endAt: Date;
  /** endAt plus the service's buffer. */
  blockedUntil: Date;
}

export interface NewBooking extends TimeBlock {
  id: string;
  tenantId: string;
  clientId: string;
  serviceId: string;
  calendarId: string;
  notes: string | null;
  channels: readonly BookingChannel[];
  calendarEventId: string | null;
  workflowId: string;
}

export async function insertBooking(db: Db, b: NewBooking): Promise<Booking> {
  return overlapChecked(() =>
    db.one(sql.type(bookingRow)`
      INSERT INTO bookings (id, tenant_id, client_id, service_id, calendar_id, start_at, end_at, blocked_until, notes, channels,
                            calendar_event_id, workflow_id)
      VALUES (${b.id}, ${b.tenantId}, ${b.clientId}, ${b.serviceId}, ${b.calendarId}, ${iso(b.startAt)}, ${iso(b.endAt)},
              ${iso(b.blockedUntil)}, ${b.notes}, ${sql.array([...b.channels], 'text')}, ${b.calendarEventId}, ${b.workflowId})
      RETURNING ${columns}`),
  );
}

export async function findBooking(db: Db, id: string): Promise<Booking | null> {
  return db.maybeOne(sql.type(bookingRow)`SELECT ${columns} FROM bookings WHERE id = ${id}`);
}

/** The booking a Calendar event was made for (a sync reads events, not bookings). */
export async function findBookingByCalendarEvent(db: Db, calendarId: string, eventId: string): Promise<Booking | null> {
  return db.maybeOne(sql.type(bookingRow)`
    SELECT ${columns} FROM bookings WHERE calendar_id = ${calendarId} AND calendar_event_id = ${eventId}`);
}

/** By start time, keyset-paginated on (start_at, id); `from`/`to` bound the start, half-open. */
export async function listBookings(
  db: Db,
  query: {
    from?: Date;
    to?: Date;
    clientId?: string;
    status?: BookingStatus;
    limit: number;
    after?: { startAt: Date; id: string };
  },
): Promise<Booking[]> {
  const conditions = [sql.fragment`TRUE`];
  if (query.from) conditions.push(sql.fragment`start_at >= ${iso(query.from)}::timestamptz`);
  if (query.to) conditions.push(sql.fragment`start_at < ${iso(query.to)}::timestamptz`);
  if (query.clientId) conditions.push(sql.fragment`client_id = ${query.clientId}`);
  if (query.status) conditions.push(sql.fragment`status = ${query.status}`);
  if (query.after)
    conditions.push(sql.fragment`(start_at, id) > (${iso(query.after.startAt)}::timestamptz, ${query.after.id}::uuid)`);
  return [
    ...(await db.any(sql.type(bookingRow)`
      SELECT ${columns} FROM bookings WHERE ${sql.join(conditions, sql.fragment` AND `)}
      ORDER BY start_at, id LIMIT ${query.limit}`)),
  ];
}

/**
 * The time confirmed bookings of a calendar take up within [from, to), each up to its
 * blocked_until: the busy time availability subtracts. `excludeBookingId` leaves one out (a
 * booking being moved does not block its own new time).
 */
export async function blockedIntervals(
  db: Db,
  query: { calendarId: string; from: Date; to: Date; excludeBookingId?: string },
): Promise<{ start: Date; end: Date }[]> {
  const exclude = query.excludeBookingId ? sql.fragment`AND id <> ${query.excludeBookingId}` : sql.fragment``;
  return [
    ...(await db.any(sql.type(busyRow)`
      SELECT start_at AS start, blocked_until AS "end" FROM bookings
       WHERE calendar_id = ${query.calendarId} AND status = 'confirmed'
         AND tstzrange(start_at, blocked_until, '[)') && tstzrange(${iso(query.from)}::timestamptz, ${iso(query.to)}::timestamptz, '[)')
         ${exclude}
       ORDER BY start_at`)),
  ];
}

/** Moves a confirmed booking; null when it is not confirmed. BookingOverlapError when the new time is taken. */
export async function rescheduleBooking(db: Db, id: string, block: TimeBlock): Promise<Booking | null> {
  return overlapChecked(() =>
    db.maybeOne(sql.type(bookingRow)`
      UPDATE bookings
         SET start_at = ${iso(block.startAt)}, end_at = ${iso(block.endAt)}, blocked_until = ${iso(block.blockedUntil)},
             rescheduled_at = now(), updated_at = now()
       WHERE id = ${id} AND status = 'confirmed'
       RETURNING ${columns}`),
  );
}

/** confirmed → cancelled, which frees the time at once. */
export async function cancelBooking(
  db: Db,
  id: string,
  cancel: { by: CancelledBy; reason?: string | null },
): Promise<Booking | null> {
  return db.maybeOne(sql.type(bookingRow)`
    UPDATE bookings
       SET status = 'cancelled', cancelled_at = now(), cancelled_by = ${cancel.by}, cancellation_reason = ${cancel.reason ?? null}, updated_at = now()
     WHERE id = ${id} AND status = 'confirmed'
     RETURNING ${columns}`);
}

/** confirmed → completed, with the invoice it was billed on, if any. */
export async function completeBooking(
  db: Db,
  id: string,
  options: { invoiceId?: string | null } = {},
): Promise<Booking | null> {
  return db.maybeOne(sql.type(bookingRow)`
    UPDATE bookings SET status = 'completed', completed_at = now(), invoice_id = ${options.invoiceId ?? null}, updated_at = now()
     WHERE id = ${id} AND status = 'confirmed'
     RETURNING ${columns}`);
}

/** confirmed → no_show. */
export async function markNoShow(db: Db, id: string): Promise<Booking | null> {
  return db.maybeOne(sql.type(bookingRow)`
    UPDATE bookings SET status = 'no_show', no_show_at = now(), updated_at = now()
     WHERE id = ${id} AND status = 'confirmed'
     RETURNING ${columns}`);
}

function iso(d: Date): string {
  return d.toISOString();
}

async function overlapChecked<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (violatedConstraint(err, SQLSTATE.exclusionViolation) === 'bookings_no_overlap') throw new BookingOverlapError();
    throw err;
  }
}
