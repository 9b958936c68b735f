// Google Calendar through googleapis over HTTP to the sandbox: events, free/busy, failures.
import { type Calendar, createCalendar } from '../../src/providers/google/calendar';
import { type SandboxHarness, startTestSandbox, upstreamFailure } from '../helpers/sandbox';

let h: SandboxHarness;
let calendar: Calendar;
const OWNER = 'owner@studio.example';
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  h = await startTestSandbox();
  calendar = createCalendar(h.config, { refreshToken: await h.connectMailbox(OWNER) });
});
afterAll(() => h.close());

describe('Calendar through the sandbox', () => {
  it('inserts an event with our own id; inserting it again is already_exists, not a second event', async () => {
    const event = await calendar.insertEvent('primary', {
      id: 'booking0001',
      summary: 'Haircut — Dana',
      description: 'Booked by Frontdesk',
      start: at('2026-12-01T10:00:00.000Z'),
      end: at('2026-12-01T11:00:00.000Z'),
      timeZone: 'Europe/London',
      attendees: [{ email: 'dana@example.com', displayName: 'Dana' }],
    });
    expect(event).toMatchObject({ id: 'booking0001', status: 'confirmed', summary: 'Haircut — Dana', start: at('2026-12-01T10:00:00.000Z') });
    expect(event.attendees).toEqual([{ email: 'dana@example.com', responseStatus: 'needsAction' }]);
    expect(event.htmlLink).toContain('booking0001');

    const again = await upstreamFailure(
      calendar.insertEvent('primary', { id: 'booking0001', summary: 'x', start: at('2026-12-01T10:00:00Z'), end: at('2026-12-01T11:00:00Z') }),
    );
    expect(again.details).toMatchObject({ provider: 'calendar', code: 'already_exists', retryable: false, httpStatus: 409 });
    expect((await h.sent('calendar')).filter((s) => s.operation === 'insert')).toHaveLength(1);
  });

  it('updates only the fields given, lists by time range, and reports busy times', async () => {
    await calendar.insertEvent('primary', { id: 'booking0002', summary: 'Colour', start: at('2026-12-02T09:00:00Z'), end: at('2026-12-02T10:00:00Z') });
    const moved = await calendar.updateEvent('primary', 'booking0002', { start: at('2026-12-02T14:00:00Z'), end: at('2026-12-02T15:30:00Z') });
    expect(moved).toMatchObject({ summary: 'Colour', start: at('2026-12-02T14:00:00Z'), end: at('2026-12-02T15:30:00Z') });

    const { events } = await calendar.listEvents('primary', { timeMin: at('2026-12-02T00:00:00Z'), timeMax: at('2026-12-03T00:00:00Z') });
    expect(events.map((e) => e.id)).toEqual(['booking0002']);

    const busy = await calendar.freeBusy({ timeMin: at('2026-12-01T00:00:00Z'), timeMax: at('2026-12-02T15:00:00Z'), calendarIds: ['primary'] });
    expect(busy.primary).toEqual([
      { start: at('2026-12-01T10:00:00Z'), end: at('2026-12-01T11:00:00Z') },
      { start: at('2026-12-02T14:00:00Z'), end: at('2026-12-02T15:00:00Z') },
    ]);
  });

  it('deletes an event; a second delete is gone and the event leaves the list and busy times', async () => {
    await calendar.insertEvent('primary', { id: 'booking0003', summary: 'Nails', start: at('2026-12-05T09:00:00Z'), end: at('2026-12-05T10:00:00Z') });
    await calendar.deleteEvent('primary', 'booking0003');
    expect((await upstreamFailure(calendar.deleteEvent('primary', 'booking0003'))).details).toMatchObject({ code: 'gone', retryable: false, httpStatus: 410 });
    const { events } = await calendar.listEvents('primary', { timeMin: at('2026-12-05T00:00:00Z'), timeMax: at('2026-12-06T00:00:00Z') });
    expect(events).toEqual([]);
    const busy = await calendar.freeBusy({ timeMin: at('2026-12-05T00:00:00Z'), timeMax: at('2026-12-06T00:00:00Z'), calendarIds: ['primary'] });
    expect(busy.primary).toEqual([]);
    expect((await h.sent('calendar')).at(-1)).toMatchObject({ operation: 'delete', eventId: 'booking0003', status: 'cancelled' });
  });

  it('an unknown event or calendar is not_found', async () => {
    expect((await upstreamFailure(calendar.updateEvent('primary', 'nosuchevent', { summary: 'x' }))).code).toBe('not_found');
    expect((await upstreamFailure(calendar.listEvents('someone-else@example.com', { timeMin: at('2026-12-01T00:00:00Z'), timeMax: at('2026-12-02T00:00:00Z') }))).code).toBe('not_found');
    expect((await upstreamFailure(calendar.freeBusy({ timeMin: at('2026-12-01T00:00:00Z'), timeMax: at('2026-12-02T00:00:00Z'), calendarIds: ['other@example.com'] }))).code).toBe('not_found');
  });

  it('an end before the start is a permanent bad_request', async () => {
    const err = await upstreamFailure(calendar.insertEvent('primary', { summary: 'x', start: at('2026-12-01T10:00:00Z'), end: at('2026-12-01T09:00:00Z') }));
    expect(err.details).toMatchObject({ code: 'bad_request', retryable: false, httpStatus: 400 });
  });
});

describe('Calendar failures, classified', () => {
  it('429 and 5xx are retryable (an insert 5xx is ambiguous); the SDK tries once', async () => {
    await h.fault({ provider: 'calendar', status: 429 });
    expect((await upstreamFailure(calendar.freeBusy({ timeMin: at('2026-12-01T00:00:00Z'), timeMax: at('2026-12-02T00:00:00Z'), calendarIds: ['primary'] }))).details).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 1000,
    });
    const before = (await h.requests('calendar')).length;
    await h.fault({ provider: 'calendar', status: 500, count: 2 });
    const err = await upstreamFailure(calendar.insertEvent('primary', { id: 'booking0009', summary: 'x', start: at('2026-12-09T10:00:00Z'), end: at('2026-12-09T11:00:00Z') }));
    expect(err.details).toMatchObject({ code: 'server_error', retryable: true, ambiguous: true, httpStatus: 500 });
    expect((await h.requests('calendar')).length).toBe(before + 1);
    await h.control('DELETE', '/_sandbox/faults');
  });

  it('403 insufficientPermissions is reauth_required', async () => {
    await h.fault({ provider: 'calendar', status: 403, body: { error: { code: 403, message: 'Insufficient Permission', errors: [{ reason: 'insufficientPermissions' }] } } });
    expect((await upstreamFailure(calendar.deleteEvent('primary', 'booking0001'))).details).toMatchObject({ code: 'reauth_required', retryable: false });
  });
});
