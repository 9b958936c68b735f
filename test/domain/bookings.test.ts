// The booking rules shared by the front desk and the client's link: the cancellation window, the
// time a booking blocks, and the Calendar event id derived from the booking id.
import {
  bookingIdForCalendarEvent,
  calendarEventIdForBooking,
  canCancel,
  cancellationDeadline,
} from '../../src/domain/bookings';
import { bookingBlock, isValidTiming } from '../../src/domain/services';

describe('canCancel', () => {
  const start = '2026-12-10T10:00:00.000Z';

  it('allows up to and including windowHours before the start, not after', () => {
    expect(cancellationDeadline(start, 24).toISOString()).toBe('2026-12-09T10:00:00.000Z');
    expect(canCancel(start, '2026-12-09T09:59:59Z', 24)).toBe(true);
    expect(canCancel(start, '2026-12-09T10:00:00Z', 24)).toBe(true);
    expect(canCancel(start, '2026-12-09T10:00:01Z', 24)).toBe(false);
  });

  it('with no window, allows until the start; never once it has started', () => {
    expect(canCancel(start, '2026-12-10T09:59:59Z', 0)).toBe(true);
    expect(canCancel(start, start, 0)).toBe(false);
    expect(canCancel(start, '2026-12-11T00:00:00Z', 0)).toBe(false);
  });

  it('counts real hours across a daylight-saving change', () => {
    // London falls back on 2026-10-25: 24 hours before 10:00 GMT on the 25th is 11:00 BST on the 24th.
    expect(cancellationDeadline('2026-10-25T10:00:00Z', 24).toISOString()).toBe('2026-10-24T10:00:00.000Z');
  });

  it('refuses a negative window or a non-instant', () => {
    expect(() => canCancel(start, start, -1)).toThrow(RangeError);
    expect(() => canCancel('tomorrow', start, 1)).toThrow(RangeError);
  });
});

describe('bookingBlock', () => {
  it('ends after the duration and blocks the calendar through the buffer', () => {
    expect(bookingBlock(new Date('2026-12-10T10:00:00Z'), { durationMinutes: 45, bufferMinutes: 15 })).toEqual({
      startAt: new Date('2026-12-10T10:00:00Z'),
      endAt: new Date('2026-12-10T10:45:00Z'),
      blockedUntil: new Date('2026-12-10T11:00:00Z'),
    });
  });

  it('knows the limits of a service timing', () => {
    expect(isValidTiming({ durationMinutes: 30, bufferMinutes: 0 })).toBe(true);
    expect(isValidTiming({ durationMinutes: 4, bufferMinutes: 0 })).toBe(false);
    expect(isValidTiming({ durationMinutes: 30.5, bufferMinutes: 0 })).toBe(false);
    expect(isValidTiming({ durationMinutes: 30, bufferMinutes: 241 })).toBe(false);
  });
});

describe('calendar event ids', () => {
  it('derives a Calendar-valid id from the booking id, and reads it back', () => {
    const bookingId = '3f2a9c4e-8b1d-4e6f-a0b2-c3d4e5f60718';
    const eventId = calendarEventIdForBooking(bookingId);
    expect(eventId).toBe('fd3f2a9c4e8b1d4e6fa0b2c3d4e5f60718');
    expect(eventId).toMatch(/^[a-v0-9]{5,1024}$/);
    expect(bookingIdForCalendarEvent(eventId)).toBe(bookingId);
    expect(calendarEventIdForBooking(bookingId.toUpperCase())).toBe(eventId);
  });

  it('an event Frontdesk did not make names no booking; a non-uuid is refused', () => {
    expect(bookingIdForCalendarEvent('5m3kq1q8l0v7o2c9a1b2c3d4e5')).toBeNull();
    expect(bookingIdForCalendarEvent('fd1234')).toBeNull();
    expect(() => calendarEventIdForBooking('booking-1')).toThrow(RangeError);
  });
});
