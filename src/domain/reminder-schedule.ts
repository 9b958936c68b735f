// When payment reminders go out: each step is an offset in days from the invoice's due date, sent
// at 09:00 wall-clock time in the client's time zone (the tenant's when the client has none).
// Computed with the tz database, so 09:00 stays 09:00 across daylight-saving changes.
import { DateTime } from 'luxon';

export const DEFAULT_SCHEDULE_DAYS: readonly number[] = [-3, 0, 3, 7, 14];
export const REMINDER_LOCAL_HOUR = 9;

export interface PlannedReminder {
  /** The offset in days from the due date; identifies the step across reschedules. */
  step: number;
  /** ISO instant (UTC) at which it is due. */
  at: string;
  /** `skipped`: already past when planned, and not the latest past step. */
  status: 'scheduled' | 'skipped';
}

/** 09:00 local on dueDate + offsetDays, as a UTC instant. */
export function reminderInstant(dueDate: string, offsetDays: number, timeZone: string): DateTime {
  const day = DateTime.fromISO(dueDate, { zone: timeZone });
  if (!day.isValid) throw new Error(`Invalid due date or time zone: ${dueDate} ${timeZone}`);
  // plus({days}) moves the calendar day, keeping the wall clock, whatever DST does in between.
  return day
    .plus({ days: offsetDays })
    .set({ hour: REMINDER_LOCAL_HOUR, minute: 0, second: 0, millisecond: 0 })
    .toUTC();
}

/**
 * The plan for an invoice. Steps already past at `now` are not all sent: only the latest of them
 * goes out, at once (its `at` becomes `now`); the earlier ones are marked skipped. Steps listed in
 * `alreadySent` (a reschedule) are left out entirely.
 */
export function planReminders(input: {
  dueDate: string;
  scheduleDays: readonly number[];
  timeZone: string;
  now: Date;
  alreadySent?: readonly number[];
}): PlannedReminder[] {
  const now = DateTime.fromJSDate(input.now).toUTC();
  const sent = new Set(input.alreadySent ?? []);
  const steps = [...new Set(input.scheduleDays)]
    .filter((d) => !sent.has(d))
    .sort((a, b) => a - b)
    .map((step) => ({ step, at: reminderInstant(input.dueDate, step, input.timeZone) }));

  const past = steps.filter((s) => s.at <= now);
  const latestPast = past[past.length - 1];
  return steps.map(({ step, at }) => {
    if (at > now) return { step, at: at.toISO() as string, status: 'scheduled' as const };
    if (step === latestPast?.step) return { step, at: now.toISO() as string, status: 'scheduled' as const };
    return { step, at: at.toISO() as string, status: 'skipped' as const };
  });
}

const DAY_MS = 86_400_000;
/**
 * From a step's 09:00 to the end of its day, with an hour to spare: a daylight-saving change
 * between the due date and the step moves the step by an hour against whole days.
 */
const FROM_REMINDER_HOUR_TO_DAY_END_MS = (24 - REMINDER_LOCAL_HOUR + 1) * 3_600_000;

/**
 * The earliest instant at which an invoice with this plan may be called overdue: after its due
 * date has ended in the client's zone. Read from the plan (each step is 09:00 local on due date +
 * step days), so it needs neither the due date nor the zone; a step planned for `now` (already
 * past when planned) only moves the answer later, never earlier, and the earliest answer wins.
 * Pure, so workflow code may call it.
 */
export function overdueFrom(plan: readonly PlannedReminder[]): number | null {
  let earliest: number | null = null;
  for (const p of plan) {
    const candidate = Date.parse(p.at) - p.step * DAY_MS + FROM_REMINDER_HOUR_TO_DAY_END_MS;
    if (Number.isFinite(candidate) && (earliest === null || candidate < earliest)) earliest = candidate;
  }
  return earliest;
}
