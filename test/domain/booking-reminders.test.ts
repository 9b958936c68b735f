// Booking reminders: a day before by email and two hours before by SMS unless the business says
// otherwise; whole days keep the wall-clock time across daylight-saving changes, the rest is real
// time; reminders already past when planned are skipped.
import {
  bookingReminderInstant,
  DEFAULT_BOOKING_REMINDERS,
  planBookingReminders,
  validateReminderOffsets,
} from '../../src/domain/booking-reminders';

describe('planBookingReminders', () => {
  it('plans the default email the day before and SMS two hours before, in order', () => {
    const plan = planBookingReminders({
      startAt: '2026-12-10T15:00:00Z',
      timeZone: 'America/New_York',
      now: '2026-12-01T00:00:00Z',
      channels: ['email', 'sms'],
    });
    expect(plan).toEqual([
      { key: 'email-1440', channel: 'email', minutesBefore: 1440, at: '2026-12-09T15:00:00.000Z', status: 'scheduled' },
      { key: 'sms-120', channel: 'sms', minutesBefore: 120, at: '2026-12-10T13:00:00.000Z', status: 'scheduled' },
    ]);
  });

  it('leaves out offsets on channels the booking does not use', () => {
    const plan = planBookingReminders({
      startAt: '2026-12-10T15:00:00Z',
      timeZone: 'UTC',
      now: '2026-12-01T00:00:00Z',
      channels: ['email'],
    });
    expect(plan.map((p) => p.key)).toEqual(['email-1440']);
    expect(
      planBookingReminders({
        startAt: '2026-12-10T15:00:00Z',
        timeZone: 'UTC',
        now: '2026-12-01T00:00:00Z',
        channels: [],
      }),
    ).toEqual([]);
  });

  it('skips reminders already past at booking time', () => {
    // Booked at 09:00 for 15:00 the same day: the day-before email is past, the 13:00 text is not.
    const plan = planBookingReminders({
      startAt: '2026-12-10T15:00:00Z',
      timeZone: 'UTC',
      now: '2026-12-10T09:00:00Z',
      channels: ['email', 'sms'],
    });
    expect(plan.map((p) => [p.key, p.status])).toEqual([
      ['email-1440', 'skipped'],
      ['sms-120', 'scheduled'],
    ]);
    // A reminder due exactly now is past too: it would go out late.
    const atTheMinute = planBookingReminders({
      startAt: '2026-12-10T15:00:00Z',
      timeZone: 'UTC',
      now: '2026-12-10T13:00:00Z',
      channels: ['sms'],
    });
    expect(atTheMinute[0]!.status).toBe('skipped');
  });

  it("follows the business's own offsets, once each", () => {
    const plan = planBookingReminders({
      startAt: '2026-12-10T15:00:00Z',
      timeZone: 'UTC',
      now: '2026-12-01T00:00:00Z',
      channels: ['email', 'sms'],
      offsets: [
        { channel: 'sms', minutesBefore: 30 },
        { channel: 'email', minutesBefore: 3 * 1440 },
        { channel: 'sms', minutesBefore: 30 },
      ],
    });
    expect(plan.map((p) => [p.key, p.at])).toEqual([
      ['email-4320', '2026-12-07T15:00:00.000Z'],
      ['sms-30', '2026-12-10T14:30:00.000Z'],
    ]);
  });

  it('New York spring forward: the day-before email keeps 10:00 (23 real hours), the SMS is 2 real hours', () => {
    // Sunday 2026-03-08 10:00 EDT = 14:00Z; Saturday 10:00 EST = 15:00Z.
    const plan = planBookingReminders({
      startAt: '2026-03-08T14:00:00Z',
      timeZone: 'America/New_York',
      now: '2026-03-01T00:00:00Z',
      channels: ['email', 'sms'],
    });
    expect(plan.map((p) => p.at)).toEqual(['2026-03-07T15:00:00.000Z', '2026-03-08T12:00:00.000Z']);
  });

  it('New York fall back: the day-before email keeps 10:00 (25 real hours)', () => {
    // Sunday 2026-11-01 10:00 EST = 15:00Z; Saturday 10:00 EDT = 14:00Z.
    expect(bookingReminderInstant('2026-11-01T15:00:00Z', 1440, 'America/New_York').toISO()).toBe(
      '2026-10-31T14:00:00.000Z',
    );
  });

  it('London: the SMS two hours before an appointment just after the jump is two real hours', () => {
    // 2026-03-29 03:30 BST = 02:30Z; two hours earlier is 00:30 GMT = 00:30Z (the clocks skipped 01:00–02:00).
    expect(bookingReminderInstant('2026-03-29T02:30:00Z', 120, 'Europe/London').toISO()).toBe(
      '2026-03-29T00:30:00.000Z',
    );
    // The day before a Monday 09:00 BST appointment after the change is Sunday 09:00 BST: 24 real hours.
    expect(bookingReminderInstant('2026-03-30T08:00:00Z', 1440, 'Europe/London').toISO()).toBe(
      '2026-03-29T08:00:00.000Z',
    );
    // A day and an hour: the day on the calendar (Saturday 10:00 GMT), then one real hour.
    expect(bookingReminderInstant('2026-03-29T09:00:00Z', 1500, 'Europe/London').toISO()).toBe(
      '2026-03-28T09:00:00.000Z',
    );
  });
});

describe('validateReminderOffsets', () => {
  it('accepts the default and names each field at fault', () => {
    expect(validateReminderOffsets(DEFAULT_BOOKING_REMINDERS)).toEqual([]);
    const problems = validateReminderOffsets([
      { channel: 'fax' as 'email', minutesBefore: 60 },
      { channel: 'email', minutesBefore: 2 },
      { channel: 'sms', minutesBefore: 60.5 },
      { channel: 'sms', minutesBefore: 120 },
      { channel: 'sms', minutesBefore: 120 },
    ]);
    expect(problems.map((p) => p.path)).toEqual([
      'reminders.0.channel',
      'reminders.1.minutesBefore',
      'reminders.2.minutesBefore',
      'reminders.4',
    ]);
    expect(
      validateReminderOffsets(
        Array.from({ length: 7 }, (_, i) => ({ channel: 'email' as const, minutesBefore: 60 * (i + 1) })),
      )[0]!.path,
    ).toBe('reminders');
  });
});
