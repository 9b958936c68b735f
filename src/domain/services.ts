// What a business sells by the appointment: a service takes `durationMinutes` with the client,
// then `bufferMinutes` in which the calendar stays blocked (cleaning up, writing notes) before the
// next booking may start. The limits are the database's CHECKs too.
export const SERVICE_LIMITS = {
  durationMinutes: { min: 5, max: 720 },
  bufferMinutes: { min: 0, max: 240 },
  name: { max: 200 },
  description: { max: 2000 },
} as const;

export interface ServiceTiming {
  durationMinutes: number;
  bufferMinutes: number;
}

export interface BookingBlock {
  startAt: Date;
  /** When the appointment ends (what the client and the calendar event see). */
  endAt: Date;
  /** When the calendar is free again: the end plus the buffer. Bookings may not overlap up to it. */
  blockedUntil: Date;
}

const MINUTE = 60_000;

/** The time a booking of this service starting at `startAt` takes up. Minutes are real minutes, DST or not. */
export function bookingBlock(startAt: Date, service: ServiceTiming): BookingBlock {
  const endAt = new Date(startAt.getTime() + service.durationMinutes * MINUTE);
  return { startAt, endAt, blockedUntil: new Date(endAt.getTime() + service.bufferMinutes * MINUTE) };
}

export function isValidTiming(service: ServiceTiming): boolean {
  const { durationMinutes: d, bufferMinutes: b } = service;
  return (
    Number.isInteger(d) &&
    Number.isInteger(b) &&
    d >= SERVICE_LIMITS.durationMinutes.min &&
    d <= SERVICE_LIMITS.durationMinutes.max &&
    b >= SERVICE_LIMITS.bufferMinutes.min &&
    b <= SERVICE_LIMITS.bufferMinutes.max
  );
}
