// A booking's life and the rules the front desk and the client's self-service link share: its
// statuses, how far ahead a client may still cancel or move it themselves, and the id of its
// Google Calendar event (derived from the booking's id, so a retried insert finds the event the
// first attempt made, and a sync can tell Frontdesk's events from everyone else's).
export const BOOKING_STATUSES = ['confirmed', 'cancelled', 'completed', 'no_show'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export const BOOKING_CHANNELS = ['email', 'sms'] as const;
export type BookingChannel = (typeof BOOKING_CHANNELS)[number];

/** Who cancelled: the front desk, the client through their link, the owner in Google Calendar, or Frontdesk itself. */
export const CANCELLED_BY = ['staff', 'client', 'calendar', 'system'] as const;
export type CancelledBy = (typeof CANCELLED_BY)[number];

export const DEFAULT_CANCELLATION_WINDOW_HOURS = 24;
export const MAX_CANCELLATION_WINDOW_HOURS = 720;

const HOUR = 3_600_000;

/** The last instant a client may cancel or reschedule on their own: the window is real hours before the start. */
export function cancellationDeadline(startAt: Date | string, windowHours: number): Date {
  return new Date(toMs(startAt, 'startAt') - windowHours * HOUR);
}

/** True up to and including the deadline; never once the booking has started. */
export function canCancel(startAt: Date | string, now: Date | string, windowHours: number): boolean {
  if (!Number.isFinite(windowHours) || windowHours < 0)
    throw new RangeError(`Invalid cancellation window: ${windowHours}`);
  const at = toMs(now, 'now');
  return at <= cancellationDeadline(startAt, windowHours).getTime() && at < toMs(startAt, 'startAt');
}

const EVENT_PREFIX = 'fd';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `fd` + the booking id's 32 hex digits: within Calendar's base32hex alphabet (a–v, 0–9). */
export function calendarEventIdForBooking(bookingId: string): string {
  if (!UUID.test(bookingId)) throw new RangeError(`Not a booking id: ${bookingId}`);
  return EVENT_PREFIX + bookingId.replace(/-/g, '').toLowerCase();
}

/** The booking an event id was made for, or null for an event Frontdesk did not make. */
export function bookingIdForCalendarEvent(eventId: string): string | null {
  const m = /^fd([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/.exec(eventId);
  return m ? m.slice(1).join('-') : null;
}

function toMs(value: Date | string, field: string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`${field} is not an instant: ${String(value)}`);
  return ms;
}
