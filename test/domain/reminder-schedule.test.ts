import { DateTime } from 'luxon';
import { DEFAULT_SCHEDULE_DAYS, overdueFrom, planReminders, reminderInstant } from '../../src/domain/reminder-schedule';

describe('reminderInstant', () => {
  it('is 09:00 in the client zone, in UTC', () => {
    expect(reminderInstant('2026-12-01', 0, 'America/New_York').toISO()).toBe('2026-12-01T14:00:00.000Z');
    expect(reminderInstant('2026-12-01', -3, 'Europe/London').toISO()).toBe('2026-11-28T09:00:00.000Z');
    expect(reminderInstant('2026-12-01', 14, 'Asia/Tokyo').toISO()).toBe('2026-12-15T00:00:00.000Z');
  });

  it('stays at 09:00 local across the spring-forward change', () => {
    // US clocks go forward on 2027-03-14: 09:00 EST is 14:00Z before, 09:00 EDT is 13:00Z after.
    expect(reminderInstant('2027-03-13', 0, 'America/New_York').toISO()).toBe('2027-03-13T14:00:00.000Z');
    expect(reminderInstant('2027-03-13', 1, 'America/New_York').toISO()).toBe('2027-03-14T13:00:00.000Z');
    expect(reminderInstant('2027-03-13', 3, 'America/New_York').toISO()).toBe('2027-03-16T13:00:00.000Z');
  });

  it('stays at 09:00 local across the fall-back change', () => {
    // Europe/Berlin goes back on 2027-10-31: 09:00 CEST is 07:00Z, 09:00 CET is 08:00Z.
    expect(reminderInstant('2027-10-30', 0, 'Europe/Berlin').toISO()).toBe('2027-10-30T07:00:00.000Z');
    expect(reminderInstant('2027-10-30', 1, 'Europe/Berlin').toISO()).toBe('2027-10-31T08:00:00.000Z');
  });
});

describe('planReminders', () => {
  it('plans every step of the default schedule when all are in the future', () => {
    const plan = planReminders({
      dueDate: '2026-12-10',
      scheduleDays: DEFAULT_SCHEDULE_DAYS,
      timeZone: 'UTC',
      now: new Date('2026-11-26T12:00:00Z'),
    });
    expect(plan).toEqual([
      { step: -3, at: '2026-12-07T09:00:00.000Z', status: 'scheduled' },
      { step: 0, at: '2026-12-10T09:00:00.000Z', status: 'scheduled' },
      { step: 3, at: '2026-12-13T09:00:00.000Z', status: 'scheduled' },
      { step: 7, at: '2026-12-17T09:00:00.000Z', status: 'scheduled' },
      { step: 14, at: '2026-12-24T09:00:00.000Z', status: 'scheduled' },
    ]);
  });

  it('sends only the latest past step, at once, and skips the earlier past ones', () => {
    const now = new Date('2026-11-26T12:00:00Z');
    // Due 2026-11-20: -3 (11-17) and 0 (11-20) and 3 (11-23) are past; 7 (11-27) and 14 are not.
    const plan = planReminders({ dueDate: '2026-11-20', scheduleDays: [-3, 0, 3, 7, 14], timeZone: 'UTC', now });
    expect(plan.map((p) => [p.step, p.status])).toEqual([
      [-3, 'skipped'],
      [0, 'skipped'],
      [3, 'scheduled'],
      [7, 'scheduled'],
      [14, 'scheduled'],
    ]);
    expect(plan[2]!.at).toBe(now.toISOString());
  });

  it('treats a step due earlier today as past (due today, schedule [0], after 09:00)', () => {
    const now = new Date('2026-11-26T15:30:00Z');
    expect(planReminders({ dueDate: '2026-11-26', scheduleDays: [0], timeZone: 'UTC', now })).toEqual([
      { step: 0, at: now.toISOString(), status: 'scheduled' },
    ]);
  });

  it('drops steps already sent and duplicate offsets on a reschedule', () => {
    const plan = planReminders({
      dueDate: '2027-01-10',
      scheduleDays: [0, -3, 0, 3],
      timeZone: 'UTC',
      now: new Date('2026-11-26T00:00:00Z'),
      alreadySent: [-3],
    });
    expect(plan.map((p) => p.step)).toEqual([0, 3]);
  });
});

describe('overdueFrom', () => {
  const midnightAfter = (dueDate: string, zone: string) =>
    DateTime.fromISO(dueDate, { zone }).plus({ days: 1 }).startOf('day').toMillis();

  it('is after the due date has ended in the client zone, whatever the last step', () => {
    for (const scheduleDays of [[0], [-3, 0], [-3, 0, 3, 7, 14], [-7, -3]]) {
      for (const zone of ['UTC', 'America/New_York', 'Europe/Paris', 'Pacific/Auckland']) {
        const plan = planReminders({
          dueDate: '2027-03-12',
          scheduleDays,
          timeZone: zone,
          now: new Date('2027-01-01T00:00:00Z'),
        });
        const from = overdueFrom(plan) as number;
        expect(from).toBeGreaterThanOrEqual(midnightAfter('2027-03-12', zone));
        expect(from - midnightAfter('2027-03-12', zone)).toBeLessThanOrEqual(2 * 3_600_000);
      }
    }
  });

  it('never falls before the due date has ended when steps were planned late (at `now`)', () => {
    // Created at noon on the due date with only step 0: it goes out at once; overdue still waits for the day's end.
    const plan = planReminders({
      dueDate: '2027-03-12',
      scheduleDays: [0],
      timeZone: 'UTC',
      now: new Date('2027-03-12T12:00:00Z'),
    });
    expect(overdueFrom(plan)).toBeGreaterThanOrEqual(Date.parse('2027-03-13T00:00:00Z'));
  });

  it('has no answer for an empty plan', () => {
    expect(overdueFrom([])).toBeNull();
  });
});
