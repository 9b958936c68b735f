// Free slots: business hours in the tenant's zone, minus busy time, stepped by the service's
// duration, with the buffer after each slot inside the hours and clear of busy time; across
// spring-forward and fall-back days in New York and London.
import { freeSlots, mergeIntervals, type FreeSlotsInput } from '../../src/domain/availability';
import { type BusinessHours, DEFAULT_BUSINESS_HOURS } from '../../src/domain/business-hours';

const closed: BusinessHours = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
const hours = (days: Partial<BusinessHours>): BusinessHours => ({ ...closed, ...days });
const starts = (input: FreeSlotsInput) => freeSlots(input).map((s) => s.startAt);
const iso = (s: string) => new Date(s).toISOString();

// 2026-12-07 is a Monday; London is on GMT (UTC) in December.
const monday = (over: Partial<FreeSlotsInput> = {}): FreeSlotsInput => ({
  hours: hours({ mon: [{ open: '09:00', close: '12:00' }] }),
  timeZone: 'Europe/London',
  from: '2026-12-07T00:00:00Z',
  to: '2026-12-08T00:00:00Z',
  durationMinutes: 60,
  bufferMinutes: 0,
  busy: [],
  ...over,
});

describe('freeSlots on an ordinary day', () => {
  it('steps by the duration from the opening, each slot as long as the service', () => {
    expect(freeSlots(monday())).toEqual([
      { startAt: '2026-12-07T09:00:00.000Z', endAt: '2026-12-07T10:00:00.000Z' },
      { startAt: '2026-12-07T10:00:00.000Z', endAt: '2026-12-07T11:00:00.000Z' },
      { startAt: '2026-12-07T11:00:00.000Z', endAt: '2026-12-07T12:00:00.000Z' },
    ]);
    expect(starts(monday({ durationMinutes: 45 }))).toEqual(
      ['09:00', '09:45', '10:30', '11:15'].map((t) => iso(`2026-12-07T${t}:00Z`)),
    );
  });

  it('needs the buffer after a slot inside the opening too', () => {
    // 11:00–12:00 would leave its 15 minutes of buffer after closing time.
    expect(starts(monday({ bufferMinutes: 15 }))).toEqual([iso('2026-12-07T09:00:00Z'), iso('2026-12-07T10:00:00Z')]);
  });

  it('starts again from each opening of a split day', () => {
    const split = hours({
      mon: [
        { open: '09:00', close: '11:30' },
        { open: '13:15', close: '15:00' },
      ],
    });
    expect(starts(monday({ hours: split, durationMinutes: 50 }))).toEqual(
      ['09:00', '09:50', '10:40', '13:15', '14:05'].map((t) => iso(`2026-12-07T${t}:00Z`)),
    );
  });

  it('follows the zone: 09:00 in New York is 14:00Z in winter', () => {
    const slots = freeSlots(
      monday({ timeZone: 'America/New_York', from: '2026-12-07T05:00:00Z', to: '2026-12-08T05:00:00Z' }),
    );
    expect(slots[0]).toEqual({ startAt: '2026-12-07T14:00:00.000Z', endAt: '2026-12-07T15:00:00.000Z' });
    expect(slots).toHaveLength(3);
  });

  it('offers nothing on closed days, over a whole week only the open days', () => {
    expect(freeSlots(monday({ hours: closed }))).toEqual([]);
    const week = freeSlots(
      monday({
        hours: DEFAULT_BUSINESS_HOURS,
        from: '2026-12-07T00:00:00Z',
        to: '2026-12-14T00:00:00Z',
        durationMinutes: 120,
      }),
    );
    expect(week).toHaveLength(5 * 4);
    expect(new Set(week.map((s) => s.startAt.slice(0, 10)))).toEqual(
      new Set(['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11']),
    );
  });

  it('keeps to the asked window and to the future', () => {
    expect(starts(monday({ from: '2026-12-07T09:30:00Z', to: '2026-12-07T11:30:00Z' }))).toEqual([
      iso('2026-12-07T10:00:00Z'),
    ]);
    expect(starts(monday({ now: '2026-12-07T10:00:01Z' }))).toEqual([iso('2026-12-07T11:00:00Z')]);
    expect(freeSlots(monday({ from: '2026-12-08T00:00:00Z', to: '2026-12-07T00:00:00Z' }))).toEqual([]);
  });

  it('reads close 24:00 as the end of the day', () => {
    const late = hours({ mon: [{ open: '22:00', close: '24:00' }] });
    expect(starts(monday({ hours: late }))).toEqual([iso('2026-12-07T22:00:00Z'), iso('2026-12-07T23:00:00Z')]);
  });

  it('refuses a timing no service can have', () => {
    expect(() => freeSlots(monday({ durationMinutes: 0 }))).toThrow(RangeError);
    expect(() => freeSlots(monday({ bufferMinutes: -5 }))).toThrow(RangeError);
    expect(() => freeSlots(monday({ from: 'soon' }))).toThrow(RangeError);
  });
});

describe('freeSlots minus busy time', () => {
  const day = (over: Partial<FreeSlotsInput>) =>
    monday({ hours: hours({ mon: [{ open: '09:00', close: '14:00' }] }), ...over });

  it('drops slots that touch a busy block; one that starts as a block ends is free', () => {
    expect(
      starts(
        day({
          busy: [
            { start: '2026-12-07T09:00:00Z', end: '2026-12-07T10:00:00Z' },
            { start: '2026-12-07T11:15:00Z', end: '2026-12-07T11:30:00Z' },
          ],
        }),
      ),
    ).toEqual(['10:00', '12:00', '13:00'].map((t) => iso(`2026-12-07T${t}:00Z`)));
  });

  it('keeps the new slot and its buffer clear: the buffer may end exactly where busy time starts', () => {
    const busy = [{ start: '2026-12-07T11:15:00Z', end: '2026-12-07T12:00:00Z' }];
    // 10:00–11:00 + 15 min buffer ends 11:15, when the block starts: fine. With 20 minutes it is not.
    expect(starts(day({ durationMinutes: 60, bufferMinutes: 15, busy }))).toContain(iso('2026-12-07T10:00:00Z'));
    expect(starts(day({ durationMinutes: 60, bufferMinutes: 20, busy }))).not.toContain(iso('2026-12-07T10:00:00Z'));
  });

  it("honours an existing booking's buffer, passed as busy up to its blocked-until", () => {
    // A confirmed 09:00–10:00 booking of a service with a 30-minute buffer blocks until 10:30.
    const busy = [{ start: new Date('2026-12-07T09:00:00Z'), end: new Date('2026-12-07T10:30:00Z') }];
    expect(starts(day({ busy }))).toEqual(['11:00', '12:00', '13:00'].map((t) => iso(`2026-12-07T${t}:00Z`)));
    expect(starts(day({ busy, durationMinutes: 30 }))).toEqual(
      ['10:30', '11:00', '11:30', '12:00', '12:30', '13:00', '13:30'].map((t) => iso(`2026-12-07T${t}:00Z`)),
    );
  });

  it('merges overlapping and nested busy blocks given in any order', () => {
    const busy = [
      { start: '2026-12-07T10:00:00Z', end: '2026-12-07T11:30:00Z' },
      { start: '2026-12-07T09:30:00Z', end: '2026-12-07T10:30:00Z' },
      { start: '2026-12-07T10:10:00Z', end: '2026-12-07T10:20:00Z' },
    ];
    expect(starts(day({ busy }))).toEqual([iso('2026-12-07T12:00:00Z'), iso('2026-12-07T13:00:00Z')]);
    expect(
      mergeIntervals([
        { start: 5, end: 8 },
        { start: 1, end: 3 },
        { start: 3, end: 4 },
        { start: 2, end: 2 },
        { start: 6, end: 7 },
      ]),
    ).toEqual([
      { start: 1, end: 4 },
      { start: 5, end: 8 },
    ]);
  });

  it('ignores busy time outside the hours and the window', () => {
    const busy = [
      { start: '2026-12-06T09:00:00Z', end: '2026-12-06T17:00:00Z' },
      { start: '2026-12-07T06:00:00Z', end: '2026-12-07T09:00:00Z' },
      { start: '2026-12-07T14:00:00Z', end: '2026-12-07T18:00:00Z' },
    ];
    expect(freeSlots(day({ busy }))).toHaveLength(5);
  });
});

describe('freeSlots across daylight-saving changes', () => {
  it('New York spring forward (2026-03-08): 09:00 is 13:00Z on the day, 14:00Z the day before', () => {
    const nine = hours({ sat: [{ open: '09:00', close: '10:00' }], sun: [{ open: '09:00', close: '10:00' }] });
    expect(
      starts({
        ...monday(),
        hours: nine,
        timeZone: 'America/New_York',
        from: '2026-03-07T00:00:00Z',
        to: '2026-03-09T00:00:00Z',
      }),
    ).toEqual(['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z']);
  });

  it('New York spring forward: hours over the 02:00 jump are an hour shorter, every slot still 60 real minutes', () => {
    const night = hours({ sun: [{ open: '00:00', close: '06:00' }] });
    const slots = freeSlots({
      ...monday(),
      hours: night,
      timeZone: 'America/New_York',
      from: '2026-03-08T00:00:00Z',
      to: '2026-03-09T00:00:00Z',
    });
    // 00:00 EST, 01:00 EST, then 03:00, 04:00, 05:00 EDT: five slots in the five hours the clocks show as six.
    expect(slots.map((s) => s.startAt)).toEqual(
      ['05', '06', '07', '08', '09'].map((h) => `2026-03-08T${h}:00:00.000Z`),
    );
    expect(slots.every((s) => Date.parse(s.endAt) - Date.parse(s.startAt) === 3_600_000)).toBe(true);
    expect(slots.at(-1)!.endAt).toBe('2026-03-08T10:00:00.000Z'); // 06:00 EDT
  });

  it('New York spring forward: an opening at a time the clocks skip opens after the jump', () => {
    const skipped = hours({ sun: [{ open: '02:30', close: '05:00' }] });
    expect(
      starts({
        ...monday(),
        hours: skipped,
        timeZone: 'America/New_York',
        from: '2026-03-08T00:00:00Z',
        to: '2026-03-09T00:00:00Z',
      }),
    ).toEqual([
      '2026-03-08T07:30:00.000Z', // 03:30 EDT
    ]);
  });

  it('New York fall back (2026-11-01): hours over the repeated hour are an hour longer', () => {
    const night = hours({ sun: [{ open: '00:00', close: '04:00' }] });
    const slots = starts({
      ...monday(),
      hours: night,
      timeZone: 'America/New_York',
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-02T00:00:00Z',
    });
    // 00:00 EDT, 01:00 EDT, 01:00 EST, 02:00 EST, 03:00 EST.
    expect(slots).toEqual(['04', '05', '06', '07', '08'].map((h) => `2026-11-01T${h}:00:00.000Z`));
  });

  it('London spring forward (2026-03-29) is a 23-hour day, fall back (2026-10-25) a 25-hour one', () => {
    const allDay = hours({ sun: [{ open: '00:00', close: '24:00' }] });
    const base = { ...monday(), hours: allDay, timeZone: 'Europe/London' };
    const spring = freeSlots({ ...base, from: '2026-03-28T12:00:00Z', to: '2026-03-30T00:00:00Z' });
    expect(spring).toHaveLength(23);
    expect(spring[0]!.startAt).toBe('2026-03-29T00:00:00.000Z');
    expect(spring[1]!.startAt).toBe('2026-03-29T01:00:00.000Z'); // 02:00 BST: 01:00 local never happened
    expect(spring.at(-1)!.endAt).toBe('2026-03-29T23:00:00.000Z'); // midnight BST
    const autumn = freeSlots({ ...base, from: '2026-10-24T12:00:00Z', to: '2026-10-26T12:00:00Z' });
    expect(autumn).toHaveLength(25);
    expect(autumn[0]!.startAt).toBe('2026-10-24T23:00:00.000Z'); // midnight BST
    expect(autumn.at(-1)!.endAt).toBe('2026-10-26T00:00:00.000Z'); // midnight GMT
  });

  it('London: 09:00 is 08:00Z the Saturday before fall back and 09:00Z on the Sunday; a 90-minute grid over the change stays 90 real minutes', () => {
    const nine = hours({ sat: [{ open: '09:00', close: '10:30' }], sun: [{ open: '09:00', close: '10:30' }] });
    expect(
      starts({
        ...monday(),
        hours: nine,
        durationMinutes: 90,
        from: '2026-10-24T00:00:00Z',
        to: '2026-10-26T00:00:00Z',
      }),
    ).toEqual(['2026-10-24T08:00:00.000Z', '2026-10-25T09:00:00.000Z']);
    const night = hours({ sun: [{ open: '00:00', close: '03:00' }] });
    // 00:00 BST is 23:00Z, 03:00 GMT is 03:00Z: four real hours. Every 90 real minutes: 23:00Z, 00:30Z;
    // 02:00Z would end at 03:30Z, after closing.
    expect(
      starts({
        ...monday(),
        hours: night,
        durationMinutes: 90,
        from: '2026-10-24T12:00:00Z',
        to: '2026-10-26T00:00:00Z',
      }),
    ).toEqual(['2026-10-24T23:00:00.000Z', '2026-10-25T00:30:00.000Z']);
  });

  it('busy time given in UTC lands on the right local slot across the change', () => {
    const nine = hours({ sun: [{ open: '09:00', close: '12:00' }] });
    // 13:00Z–14:00Z is 09:00–10:00 EDT on the spring-forward Sunday.
    const busy = [{ start: '2026-03-08T13:00:00Z', end: '2026-03-08T14:00:00Z' }];
    expect(
      starts({
        ...monday(),
        hours: nine,
        timeZone: 'America/New_York',
        busy,
        from: '2026-03-08T00:00:00Z',
        to: '2026-03-09T00:00:00Z',
      }),
    ).toEqual(['2026-03-08T14:00:00.000Z', '2026-03-08T15:00:00.000Z']);
  });
});
