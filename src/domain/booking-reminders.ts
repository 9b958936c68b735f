// When a booking's reminders go out. Each reminder is a channel and an offset before the start
// (by default the day before by email and two hours before by SMS; a business sets its own).
// Whole days of an offset are calendar days in the business's zone, so "1 day before" an
// appointment at 10:00 is 10:00 the day before even when the clocks changed in between; the
// minutes beyond whole days are real minutes. A reminder whose time has passed when it is
// planned (a booking made at short notice, or moved close) is skipped, not sent late.
import { DateTime } from 'luxon';
import { BOOKING_CHANNELS, type BookingChannel } from './bookings';

export interface ReminderOffset {
  channel: BookingChannel;
  minutesBefore: number;
}

export const DEFAULT_BOOKING_REMINDERS: readonly ReminderOffset[] = [
  { channel: 'email', minutesBefore: 24 * 60 },
  { channel: 'sms', minutesBefore: 2 * 60 },
];

export const REMINDER_LIMITS = { count: 6, minutesBefore: { min: 5, max: 30 * 24 * 60 } } as const;

const DAY_MINUTES = 24 * 60;

export interface PlannedBookingReminder {
  /** `email-1440`: names the reminder within the booking's plan, across reschedules too. */
  key: string;
  channel: BookingChannel;
  minutesBefore: number;
  /** UTC ISO instant it is due. */
  at: string;
  status: 'scheduled' | 'skipped';
}

export interface OffsetProblem {
  path: string;
  message: string;
}

/** Every problem with a list of offsets, each naming its field (empty when valid). */
export function validateReminderOffsets(offsets: readonly ReminderOffset[], prefix = 'reminders'): OffsetProblem[] {
  const problems: OffsetProblem[] = [];
  if (offsets.length > REMINDER_LIMITS.count)
    problems.push({ path: prefix, message: `at most ${REMINDER_LIMITS.count} reminders` });
  const seen = new Set<string>();
  offsets.forEach((o, i) => {
    if (!BOOKING_CHANNELS.includes(o.channel))
      problems.push({ path: `${prefix}.${i}.channel`, message: 'must be email or sms' });
    const { min, max } = REMINDER_LIMITS.minutesBefore;
    if (!Number.isInteger(o.minutesBefore) || o.minutesBefore < min || o.minutesBefore > max) {
      problems.push({
        path: `${prefix}.${i}.minutesBefore`,
        message: `must be a whole number of minutes from ${min} to ${max}`,
      });
    }
    const key = reminderKey(o);
    if (seen.has(key)) problems.push({ path: `${prefix}.${i}`, message: 'is listed twice' });
    seen.add(key);
  });
  return problems;
}

export function reminderKey(offset: ReminderOffset): string {
  return `${offset.channel}-${offset.minutesBefore}`;
}

/** The instant `minutesBefore` the start: whole days on the zone's calendar, the rest in real minutes. */
export function bookingReminderInstant(startAt: Date | string, minutesBefore: number, timeZone: string): DateTime {
  const start = (startAt instanceof Date ? DateTime.fromJSDate(startAt) : DateTime.fromISO(startAt)).setZone(timeZone);
  if (!start.isValid) throw new RangeError(`Invalid start or time zone: ${String(startAt)} ${timeZone}`);
  const days = Math.floor(minutesBefore / DAY_MINUTES);
  return start
    .minus({ days })
    .minus({ minutes: minutesBefore - days * DAY_MINUTES })
    .toUTC();
}

/**
 * The reminders of a booking on its channels (offsets on other channels are left out), in the
 * order they fall due. Those due at or before `now` are `skipped`.
 */
export function planBookingReminders(input: {
  startAt: Date | string;
  timeZone: string;
  now: Date | string;
  channels: readonly BookingChannel[];
  offsets?: readonly ReminderOffset[];
}): PlannedBookingReminder[] {
  const now = (input.now instanceof Date ? input.now : new Date(input.now)).getTime();
  const planned = new Map<string, PlannedBookingReminder>();
  for (const offset of input.offsets ?? DEFAULT_BOOKING_REMINDERS) {
    const key = reminderKey(offset);
    if (!input.channels.includes(offset.channel) || planned.has(key)) continue;
    const at = bookingReminderInstant(input.startAt, offset.minutesBefore, input.timeZone);
    const status = at.toMillis() > now ? 'scheduled' : 'skipped';
    planned.set(key, {
      key,
      channel: offset.channel,
      minutesBefore: offset.minutesBefore,
      at: at.toISO() as string,
      status,
    });
  }
  return [...planned.values()].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}
