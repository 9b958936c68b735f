// Business hours: validation naming each field at fault, and opening ranges as instants in the
// tenant's zone, whatever daylight saving does to the day.
import {
  type BusinessHours,
  clockMinutes,
  DEFAULT_BUSINESS_HOURS,
  openingIntervals,
  validateBusinessHours,
  withinOpeningHours,
} from '../../src/domain/business-hours';

const closed: BusinessHours = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
const hours = (days: Partial<BusinessHours>): BusinessHours => ({ ...closed, ...days });
const hoursLong = (i: { start: number; end: number }) => (i.end - i.start) / 3_600_000;

describe('clockMinutes', () => {
  it('reads HH:MM on a 24-hour clock, and 24:00', () => {
    expect(clockMinutes('00:00')).toBe(0);
    expect(clockMinutes('09:30')).toBe(570);
    expect(clockMinutes('23:59')).toBe(1439);
    expect(clockMinutes('24:00')).toBe(1440);
    for (const bad of ['9:00', '24:01', '25:00', '12:60', '12:5', 'noon', '']) expect(clockMinutes(bad)).toBeNull();
  });
});

describe('validateBusinessHours', () => {
  it('accepts the default week, closed days, split days and 24:00', () => {
    expect(validateBusinessHours(DEFAULT_BUSINESS_HOURS)).toEqual([]);
    expect(validateBusinessHours(closed)).toEqual([]);
    expect(
      validateBusinessHours(
        hours({
          sat: [
            { open: '08:00', close: '12:00' },
            { open: '12:00', close: '24:00' },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('names every field at fault', () => {
    const problems = validateBusinessHours(
      hours({
        mon: [{ open: '9am', close: '17:00' }],
        tue: [{ open: '10:00', close: '09:00' }],
        wed: [
          { open: '09:00', close: '13:00' },
          { open: '12:00', close: '17:00' },
        ],
        thu: [{ open: '24:00', close: '24:00' }],
        fri: Array.from({ length: 7 }, (_, i) => ({ open: `0${i}:00`, close: `0${i}:30` })),
        sat: [{ open: '18:00', close: '02:00' }],
      }),
    );
    expect(problems.map((p) => p.path)).toEqual([
      'hours.mon.0.open',
      'hours.tue.0.close',
      'hours.wed.1.open',
      'hours.thu.0.open',
      'hours.fri',
      'hours.sat.0.close',
    ]);
    expect(problems.find((p) => p.path === 'hours.sat.0.close')!.message).toMatch(/next day/);
  });
});

describe('openingIntervals', () => {
  it('turns each local day of the window into its ranges, in order', () => {
    const split = hours({
      tue: [
        { open: '09:00', close: '12:00' },
        { open: '13:00', close: '17:00' },
      ],
    });
    expect(
      openingIntervals(split, 'Europe/London', new Date('2026-12-01T00:00:00Z'), new Date('2026-12-02T00:00:00Z')),
    ).toEqual([
      { start: Date.parse('2026-12-01T09:00:00Z'), end: Date.parse('2026-12-01T12:00:00Z') },
      { start: Date.parse('2026-12-01T13:00:00Z'), end: Date.parse('2026-12-01T17:00:00Z') },
    ]);
  });

  it('reads the weekday in the tenant zone, not in UTC', () => {
    // 2026-12-07 01:00Z is still Sunday evening in New York.
    const sunday = hours({ sun: [{ open: '18:00', close: '22:00' }] });
    expect(
      openingIntervals(sunday, 'America/New_York', new Date('2026-12-07T01:00:00Z'), new Date('2026-12-07T02:00:00Z')),
    ).toEqual([{ start: Date.parse('2026-12-06T23:00:00Z'), end: Date.parse('2026-12-07T03:00:00Z') }]);
  });

  it('a full day is 23 hours on spring-forward Sunday and 25 on fall-back Sunday', () => {
    const allDay = hours({ sun: [{ open: '00:00', close: '24:00' }] });
    for (const [zone, spring, autumn] of [
      ['America/New_York', '2026-03-08T12:00:00Z', '2026-11-01T12:00:00Z'],
      ['Europe/London', '2026-03-29T12:00:00Z', '2026-10-25T12:00:00Z'],
    ] as const) {
      expect(openingIntervals(allDay, zone, new Date(spring), new Date(spring)).map(hoursLong)).toEqual([23]);
      expect(openingIntervals(allDay, zone, new Date(autumn), new Date(autumn)).map(hoursLong)).toEqual([25]);
    }
  });

  it('09:00–17:00 stays 09:00–17:00 local either side of a change', () => {
    const weekdays = DEFAULT_BUSINESS_HOURS;
    const [friday, monday] = openingIntervals(
      weekdays,
      'Europe/London',
      new Date('2026-10-23T00:00:00Z'),
      new Date('2026-10-26T23:00:00Z'),
    );
    expect(new Date(friday!.start).toISOString()).toBe('2026-10-23T08:00:00.000Z'); // BST
    expect(new Date(monday!.start).toISOString()).toBe('2026-10-26T09:00:00.000Z'); // GMT
    expect([friday, monday].map((i) => hoursLong(i!))).toEqual([8, 8]);
  });

  it('refuses an unknown zone', () => {
    expect(() => openingIntervals(DEFAULT_BUSINESS_HOURS, 'Mars/Olympus', new Date(), new Date())).toThrow(/time zone/);
  });
});

describe('withinOpeningHours', () => {
  it('holds for a span inside one range only', () => {
    const split = hours({
      tue: [
        { open: '09:00', close: '12:00' },
        { open: '12:00', close: '17:00' },
      ],
    });
    const inside = (a: string, b: string) => withinOpeningHours(split, 'Europe/London', new Date(a), new Date(b));
    expect(inside('2026-12-01T09:00:00Z', '2026-12-01T12:00:00Z')).toBe(true);
    expect(inside('2026-12-01T08:59:00Z', '2026-12-01T10:00:00Z')).toBe(false);
    expect(inside('2026-12-01T16:30:00Z', '2026-12-01T17:01:00Z')).toBe(false);
    expect(inside('2026-12-02T10:00:00Z', '2026-12-02T11:00:00Z')).toBe(false); // Wednesday: closed
  });
});
