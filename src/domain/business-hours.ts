// A business's opening hours: per weekday, a list of wall-clock ranges in the tenant's time zone
// (`{ mon: [{ open: "09:00", close: "12:00" }, { open: "13:00", close: "17:00" }], …, sun: [] }`).
// A range ends the same day ("24:00" is midnight at the end of it); hours past midnight belong to
// the next weekday. Turning a range into instants goes through the tz database, so 09:00 stays
// 09:00 across daylight-saving changes, and a range that spans a change is as long as the clocks
// make it (an hour shorter on the spring-forward night, an hour longer on the fall-back one).
import { DateTime } from 'luxon';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface OpeningRange {
  /** "HH:MM", 24-hour clock. */
  open: string;
  /** "HH:MM" after `open`, or "24:00". */
  close: string;
}

export type BusinessHours = Record<Weekday, OpeningRange[]>;

/** What a business that has not set its hours gets: weekdays 09:00–17:00. */
export const DEFAULT_BUSINESS_HOURS: BusinessHours = {
  mon: [{ open: '09:00', close: '17:00' }],
  tue: [{ open: '09:00', close: '17:00' }],
  wed: [{ open: '09:00', close: '17:00' }],
  thu: [{ open: '09:00', close: '17:00' }],
  fri: [{ open: '09:00', close: '17:00' }],
  sat: [],
  sun: [],
};

/** A day has at most this many ranges (a split shift, a lunch break…). */
export const MAX_RANGES_PER_DAY = 6;

const CLOCK = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

/** Minutes since midnight of "HH:MM" ("24:00" is 1440); null when it is not a clock time. */
export function clockMinutes(value: string): number | null {
  const m = CLOCK.exec(value);
  if (!m) return null;
  return Number(m[1] ?? m[3]) * 60 + Number(m[2] ?? m[4]);
}

export interface HoursProblem {
  /** e.g. `hours.mon.1.close`. */
  path: string;
  message: string;
}

/** Every problem with a week of hours (empty when it is valid), each naming its field. */
export function validateBusinessHours(hours: BusinessHours, prefix = 'hours'): HoursProblem[] {
  const problems: HoursProblem[] = [];
  for (const day of WEEKDAYS) {
    const ranges = hours[day];
    if (ranges.length > MAX_RANGES_PER_DAY) {
      problems.push({ path: `${prefix}.${day}`, message: `at most ${MAX_RANGES_PER_DAY} ranges a day` });
      continue;
    }
    let previousClose: number | null = null;
    ranges.forEach((range, i) => {
      const parsed = clockMinutes(range.open);
      const open = parsed === 24 * 60 ? null : parsed;
      const close = clockMinutes(range.close);
      if (open === null)
        problems.push({ path: `${prefix}.${day}.${i}.open`, message: 'must be a time from 00:00 to 23:59' });
      if (close === null)
        problems.push({ path: `${prefix}.${day}.${i}.close`, message: 'must be a time from 00:01 to 24:00' });
      if (open === null || close === null) return;
      if (close <= open) {
        problems.push({
          path: `${prefix}.${day}.${i}.close`,
          message: 'must be after open (hours after midnight go on the next day)',
        });
      } else if (previousClose !== null && open < previousClose) {
        problems.push({
          path: `${prefix}.${day}.${i}.open`,
          message: 'must not be before the previous range closes (list ranges in order, without overlap)',
        });
      }
      previousClose = Math.max(previousClose ?? close, close);
    });
  }
  return problems;
}

export interface Interval {
  /** ms since the epoch. */
  start: number;
  end: number;
}

/**
 * The opening ranges that overlap [from, to), as instants, in order. Each local day from the one
 * `from` falls on to the one `to` falls on is taken in turn; a range is not cut at from or to.
 */
export function openingIntervals(hours: BusinessHours, timeZone: string, from: Date, to: Date): Interval[] {
  const first = DateTime.fromJSDate(from, { zone: timeZone }).startOf('day');
  if (!first.isValid) throw new Error(`Unknown time zone: ${timeZone}`);
  const last = DateTime.fromJSDate(to, { zone: timeZone }).startOf('day');
  const intervals: Interval[] = [];
  for (let day = first; day <= last; day = day.plus({ days: 1 }).startOf('day')) {
    const weekday = WEEKDAYS[day.weekday - 1] as Weekday;
    for (const range of hours[weekday]) {
      const start = wallClock(day, clockMinutes(range.open) ?? 0).toMillis();
      const end = wallClock(day, clockMinutes(range.close) ?? 0).toMillis();
      if (end > start && end > from.getTime() && start < to.getTime()) intervals.push({ start, end });
    }
  }
  return intervals;
}

/**
 * The instant a wall-clock time of a local day names. A time the clocks skip (02:30 on a
 * spring-forward night) is read as the same time after the jump (03:30); a time that happens
 * twice (01:30 on a fall-back night) as the first of the two.
 */
function wallClock(day: DateTime, minutes: number): DateTime {
  if (minutes === 24 * 60) return day.plus({ days: 1 }).startOf('day');
  return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 });
}

/** Whether [start, end) lies inside one opening range. */
export function withinOpeningHours(hours: BusinessHours, timeZone: string, start: Date, end: Date): boolean {
  return openingIntervals(hours, timeZone, start, end).some(
    (r) => r.start <= start.getTime() && end.getTime() <= r.end,
  );
}
