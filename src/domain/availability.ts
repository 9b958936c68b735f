// Free slots for a service: from each opening of the business's hours, slots follow one another
// every `durationMinutes` (09:00, 09:45, 10:30… for a 45-minute service). A slot is offered when
// it, and the buffer after it, fit inside that opening and touch no busy time. Busy time is
// whatever the caller knows is taken: Google Calendar's busy periods and the confirmed bookings,
// each up to when its own buffer ends. Steps are in real minutes, so a slot grid that runs through
// a daylight-saving change keeps every slot exactly as long as the service.
import { type BusinessHours, type Interval, openingIntervals } from './business-hours';
import { isValidTiming } from './services';

export interface FreeSlotsInput {
  hours: BusinessHours;
  /** The business's IANA zone: the hours are its wall-clock times. */
  timeZone: string;
  from: Date | string;
  to: Date | string;
  durationMinutes: number;
  bufferMinutes: number;
  /** Taken time, half-open [start, end): a slot may start exactly when one ends. */
  busy: readonly { start: Date | string; end: Date | string }[];
  /** No slot that starts before it (availability is asked for the future). */
  now?: Date | string;
}

export interface Slot {
  /** UTC ISO instants, e.g. `2026-12-01T09:00:00.000Z`. */
  startAt: string;
  endAt: string;
}

const MINUTE = 60_000;

/** Slots within [from, to), in order. */
export function freeSlots(input: FreeSlotsInput): Slot[] {
  if (!isValidTiming(input))
    throw new RangeError(`Invalid service timing: ${input.durationMinutes} + ${input.bufferMinutes} minutes`);
  const from = instant(input.from, 'from');
  const to = instant(input.to, 'to');
  const notBefore = Math.max(from, input.now === undefined ? from : instant(input.now, 'now'));
  if (to <= from) return [];
  const duration = input.durationMinutes * MINUTE;
  const buffer = input.bufferMinutes * MINUTE;
  const busy = mergeIntervals(
    input.busy.map((b) => ({ start: instant(b.start, 'busy.start'), end: instant(b.end, 'busy.end') })),
  );

  const slots: Slot[] = [];
  for (const opening of openingIntervals(input.hours, input.timeZone, new Date(from), new Date(to))) {
    let next = 0; // the first busy interval that may still overlap: slots of an opening only move forward
    for (let start = opening.start; start + duration + buffer <= opening.end; start += duration) {
      const end = start + duration;
      if (start < notBefore || end > to) continue;
      while (next < busy.length && busy[next]!.end <= start) next += 1;
      const blocking = busy[next];
      if (blocking && blocking.start < end + buffer) continue;
      slots.push({ startAt: new Date(start).toISOString(), endAt: new Date(end).toISOString() });
    }
  }
  return slots;
}

/** Sorted, with overlapping and touching intervals joined; empty ones dropped. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

function instant(value: Date | string, field: string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`${field} is not an instant: ${String(value)}`);
  return ms;
}
