// Google Calendar through googleapis over HTTP to the sandbox: events with our own ids, free/busy,
// incremental sync and its 410, push channels, and every failure classified.
import { type Calendar, createCalendar, type EventChange } from '../../src/providers/google/calendar';
import { eventually, type SandboxHarness, startTestSandbox, upstreamFailure } from '../helpers/sandbox';

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
  it('inserts an event with our own id; inserting it again finds that event instead of making a second', async () => {
    const { event, created } = await calendar.insertEvent('primary', {
      id: 'booking0001',
      summary: 'Haircut — Dana',
      description: 'Booked by Frontdesk',
      start: at('2026-12-01T10:00:00.000Z'),
      end: at('2026-12-01T11:00:00.000Z'),
      timeZone: 'Europe/London',
      attendees: [{ email: 'dana@example.com', displayName: 'Dana' }],
    });
    expect(created).toBe(true);
    expect(event).toMatchObject({
      id: 'booking0001',
      status: 'confirmed',
      summary: 'Haircut — Dana',
      start: at('2026-12-01T10:00:00.000Z'),
      allDay: false,
      transparent: false,
    });
    expect(event.attendees).toEqual([{ email: 'dana@example.com', responseStatus: 'needsAction' }]);
    expect(event.htmlLink).toContain('booking0001');

    // A retry after a lost answer: Calendar says 409, and the event the first attempt made comes back.
    const again = await calendar.insertEvent('primary', {
      id: 'booking0001',
      summary: 'x',
      start: at('2026-12-01T10:00:00Z'),
      end: at('2026-12-01T11:00:00Z'),
    });
    expect(again).toEqual({
      event: expect.objectContaining({ id: 'booking0001', summary: 'Haircut — Dana' }),
      created: false,
    });
    expect((await h.sent('calendar')).filter((s) => s.operation === 'insert')).toHaveLength(1);
    expect((await h.requests('calendar')).slice(-2).map((r) => [r.method, r.status])).toEqual([
      ['POST', 409],
      ['GET', 200],
    ]);
  });

  it('a lost insert answer (the event was made) is retryable and ambiguous; the retry finds the event', async () => {
    await h.fault({ provider: 'calendar', status: 503, after: true });
    const lost = await upstreamFailure(
      calendar.insertEvent('primary', {
        id: 'booking0004',
        summary: 'Trim',
        start: at('2026-12-04T10:00:00Z'),
        end: at('2026-12-04T10:30:00Z'),
      }),
    );
    expect(lost.details).toMatchObject({ code: 'server_error', retryable: true, ambiguous: true });
    const retried = await calendar.insertEvent('primary', {
      id: 'booking0004',
      summary: 'Trim',
      start: at('2026-12-04T10:00:00Z'),
      end: at('2026-12-04T10:30:00Z'),
    });
    expect(retried.created).toBe(false);
    expect(
      (await h.control('GET', `/_sandbox/calendar/events?calendarId=${OWNER}`)).body.items.filter(
        (e: { id: string }) => e.id === 'booking0004',
      ),
    ).toHaveLength(1);
  });

  it('carries private properties, and gets an event or null', async () => {
    await calendar.insertEvent('primary', {
      id: 'booking0005',
      summary: 'Massage',
      start: at('2026-12-06T10:00:00Z'),
      end: at('2026-12-06T11:00:00Z'),
      privateProperties: { frontdeskBookingId: 'b-5' },
    });
    expect(await calendar.getEvent('primary', 'booking0005')).toMatchObject({
      id: 'booking0005',
      privateProperties: { frontdeskBookingId: 'b-5' },
      updated: expect.any(Date),
    });
    expect(await calendar.getEvent('primary', 'nosuchevent')).toBeNull();
  });

  it('updates only the fields given, lists by time range, and reports busy times', async () => {
    await calendar.insertEvent('primary', {
      id: 'booking0002',
      summary: 'Colour',
      start: at('2026-12-02T09:00:00Z'),
      end: at('2026-12-02T10:00:00Z'),
    });
    const moved = await calendar.updateEvent('primary', 'booking0002', {
      start: at('2026-12-02T14:00:00Z'),
      end: at('2026-12-02T15:30:00Z'),
    });
    expect(moved).toMatchObject({
      summary: 'Colour',
      start: at('2026-12-02T14:00:00Z'),
      end: at('2026-12-02T15:30:00Z'),
    });

    const { events } = await calendar.listEvents('primary', {
      timeMin: at('2026-12-02T00:00:00Z'),
      timeMax: at('2026-12-03T00:00:00Z'),
    });
    expect(events.map((e) => e.id)).toEqual(['booking0002']);

    const busy = await calendar.freeBusy({
      timeMin: at('2026-12-01T00:00:00Z'),
      timeMax: at('2026-12-02T15:00:00Z'),
      calendarIds: ['primary'],
    });
    expect(busy.primary).toEqual([
      { start: at('2026-12-01T10:00:00Z'), end: at('2026-12-01T11:00:00Z') },
      { start: at('2026-12-02T14:00:00Z'), end: at('2026-12-02T15:00:00Z') },
    ]);
  });

  it('deletes an event; deleting it again, or one never made, is already gone, not a failure', async () => {
    await calendar.insertEvent('primary', {
      id: 'booking0003',
      summary: 'Nails',
      start: at('2026-12-05T09:00:00Z'),
      end: at('2026-12-05T10:00:00Z'),
    });
    expect(await calendar.deleteEvent('primary', 'booking0003')).toEqual({ deleted: true });
    expect(await calendar.deleteEvent('primary', 'booking0003')).toEqual({ deleted: false });
    expect(await calendar.deleteEvent('primary', 'nosuchevent')).toEqual({ deleted: false });
    expect(await calendar.getEvent('primary', 'booking0003')).toMatchObject({ status: 'cancelled' });
    const { events } = await calendar.listEvents('primary', {
      timeMin: at('2026-12-05T00:00:00Z'),
      timeMax: at('2026-12-06T00:00:00Z'),
    });
    expect(events).toEqual([]);
    const busy = await calendar.freeBusy({
      timeMin: at('2026-12-05T00:00:00Z'),
      timeMax: at('2026-12-06T00:00:00Z'),
      calendarIds: ['primary'],
    });
    expect(busy.primary).toEqual([]);
    expect((await h.sent('calendar')).at(-1)).toMatchObject({
      operation: 'delete',
      eventId: 'booking0003',
      status: 'cancelled',
    });
  });

  it('an unknown event or calendar is not_found', async () => {
    expect((await upstreamFailure(calendar.updateEvent('primary', 'nosuchevent', { summary: 'x' }))).code).toBe(
      'not_found',
    );
    expect(
      (
        await upstreamFailure(
          calendar.listEvents('someone-else@example.com', {
            timeMin: at('2026-12-01T00:00:00Z'),
            timeMax: at('2026-12-02T00:00:00Z'),
          }),
        )
      ).code,
    ).toBe('not_found');
    expect(
      (
        await upstreamFailure(
          calendar.freeBusy({
            timeMin: at('2026-12-01T00:00:00Z'),
            timeMax: at('2026-12-02T00:00:00Z'),
            calendarIds: ['other@example.com'],
          }),
        )
      ).code,
    ).toBe('not_found');
  });

  it('an end before the start is a permanent bad_request', async () => {
    const err = await upstreamFailure(
      calendar.insertEvent('primary', {
        id: 'booking0010',
        summary: 'x',
        start: at('2026-12-01T10:00:00Z'),
        end: at('2026-12-01T09:00:00Z'),
      }),
    );
    expect(err.details).toMatchObject({ code: 'bad_request', retryable: false, httpStatus: 400 });
  });
});

describe('Calendar failures, classified', () => {
  it('429 and 5xx are retryable (an insert 5xx is ambiguous); the SDK tries once', async () => {
    await h.fault({ provider: 'calendar', status: 429 });
    expect(
      (
        await upstreamFailure(
          calendar.freeBusy({
            timeMin: at('2026-12-01T00:00:00Z'),
            timeMax: at('2026-12-02T00:00:00Z'),
            calendarIds: ['primary'],
          }),
        )
      ).details,
    ).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 1000,
    });
    const before = (await h.requests('calendar')).length;
    await h.fault({ provider: 'calendar', status: 500, count: 2 });
    const err = await upstreamFailure(
      calendar.insertEvent('primary', {
        id: 'booking0009',
        summary: 'x',
        start: at('2026-12-09T10:00:00Z'),
        end: at('2026-12-09T11:00:00Z'),
      }),
    );
    expect(err.details).toMatchObject({ code: 'server_error', retryable: true, ambiguous: true, httpStatus: 500 });
    expect((await h.requests('calendar')).length).toBe(before + 1);
    await h.control('DELETE', '/_sandbox/faults');
  });

  it('403 insufficientPermissions is reauth_required', async () => {
    await h.fault({
      provider: 'calendar',
      status: 403,
      body: {
        error: { code: 403, message: 'Insufficient Permission', errors: [{ reason: 'insufficientPermissions' }] },
      },
    });
    expect((await upstreamFailure(calendar.deleteEvent('primary', 'booking0001'))).details).toMatchObject({
      code: 'reauth_required',
      retryable: false,
    });
  });

  it('a 5xx on delete, list, watch or stop is retryable; a 401 on any is reauth_required', async () => {
    const calls = [
      () => calendar.deleteEvent('primary', 'booking0001'),
      () => calendar.listChanges('primary', {}),
      () => calendar.watchEvents('primary', { channelId: 'chan-fault', token: 't', address: h.receiver.url }),
      () => calendar.stopChannel({ channelId: 'chan-fault', resourceId: 'r' }),
    ];
    for (const run of calls) {
      await h.fault({ provider: 'calendar', status: 500 });
      expect((await upstreamFailure(run())).details).toMatchObject({ code: 'server_error', retryable: true });
      await h.fault({ provider: 'calendar', status: 401 });
      expect((await upstreamFailure(run())).details).toMatchObject({ code: 'reauth_required', retryable: false });
    }
  });
});

describe('Calendar sync through the sandbox', () => {
  const SYNC_OWNER = 'sync@studio.example';
  let synced: Calendar;

  beforeAll(async () => {
    synced = createCalendar(h.config, { refreshToken: await h.connectMailbox(SYNC_OWNER) });
  });

  /** Reads every page of one pass; the full_sync_required outcome as is. */
  async function pass(input: { syncToken?: string; timeMin?: Date }) {
    const events: EventChange[] = [];
    let pageToken: string | undefined;
    for (;;) {
      const page = await synced.listChanges('primary', {
        ...input,
        maxResults: 2,
        ...(pageToken ? { pageToken } : {}),
      });
      if (page.kind === 'full_sync_required') return page;
      events.push(...page.events);
      if (page.nextPageToken) {
        pageToken = page.nextPageToken;
        continue;
      }
      return { kind: 'changes' as const, events, syncToken: page.nextSyncToken! };
    }
  }

  it('a full pass gives the events and a sync token; incremental ones give what changed, an owner move and delete included', async () => {
    for (const n of [1, 2, 3]) {
      await synced.insertEvent('primary', {
        id: `bookingcal${n}`,
        summary: `S${n}`,
        start: at(`2026-12-1${n}T09:00:00Z`),
        end: at(`2026-12-1${n}T10:00:00Z`),
      });
    }
    const full = await pass({ timeMin: at('2026-12-01T00:00:00Z') });
    if (full.kind !== 'changes') throw new Error('expected a full list');
    expect(full.events.map((e) => e.id)).toEqual(['bookingcal1', 'bookingcal2', 'bookingcal3']);
    expect(full.syncToken).toEqual(expect.any(String));

    const busy = await h.control('POST', '/_sandbox/calendar/busy', {
      calendarId: SYNC_OWNER,
      start: '2026-12-15T12:00:00Z',
      end: '2026-12-15T13:00:00Z',
    });
    await h.control('POST', '/_sandbox/calendar/owner-edit', {
      calendarId: SYNC_OWNER,
      eventId: 'bookingcal2',
      start: '2026-12-12T15:00:00Z',
    });
    await h.control('POST', '/_sandbox/calendar/owner-edit', {
      calendarId: SYNC_OWNER,
      eventId: 'bookingcal3',
      deleted: true,
    });

    const changes = await pass({ syncToken: full.syncToken });
    if (changes.kind !== 'changes') throw new Error('expected changes');
    expect(changes.events).toEqual([
      expect.objectContaining({ id: busy.body.event.id, status: 'confirmed', summary: 'Busy' }),
      expect.objectContaining({
        id: 'bookingcal2',
        status: 'confirmed',
        start: at('2026-12-12T15:00:00Z'),
        end: at('2026-12-12T16:00:00Z'),
      }),
      { id: 'bookingcal3', status: 'cancelled' },
    ]);
    const quiet = await pass({ syncToken: changes.syncToken });
    expect(quiet).toEqual({ kind: 'changes', events: [], syncToken: changes.syncToken });
  });

  it('an expired sync token is the full_sync_required outcome, not an error', async () => {
    const full = await pass({});
    if (full.kind !== 'changes') throw new Error('expected a full list');
    await h.control('POST', '/_sandbox/calendar/expire-sync-tokens', { calendarId: SYNC_OWNER });
    expect(await synced.listChanges('primary', { syncToken: full.syncToken })).toEqual({ kind: 'full_sync_required' });
    const again = await pass({});
    expect(again.kind).toBe('changes');
  });

  it('free/busy counts the owner blocks and our events alike', async () => {
    await synced.insertEvent('primary', {
      id: 'bookingcal4',
      summary: 'S4',
      start: at('2026-12-15T09:00:00Z'),
      end: at('2026-12-15T10:00:00Z'),
    });
    const busy = await synced.freeBusy({
      timeMin: at('2026-12-15T00:00:00Z'),
      timeMax: at('2026-12-16T00:00:00Z'),
      calendarIds: ['primary'],
    });
    expect(busy.primary).toEqual([
      { start: at('2026-12-15T09:00:00Z'), end: at('2026-12-15T10:00:00Z') },
      { start: at('2026-12-15T12:00:00Z'), end: at('2026-12-15T13:00:00Z') },
    ]);
  });

  it('watches: the channel answers its resource id and expiry, pushes reach the address; stop ends it, once', async () => {
    const address = `${h.receiver.url}/api/calendar/webhook`;
    const expiresAt = new Date(Date.now() + 2 * 86_400_000);
    const channel = await synced.watchEvents('primary', {
      channelId: 'chan-sync-1',
      token: 'channel-secret',
      address,
      expiresAt,
    });
    expect(channel).toEqual({ channelId: 'chan-sync-1', resourceId: expect.any(String), expiresAt });
    const pushes = () => h.receiver.received.filter((d) => d.headers['x-goog-channel-id'] === 'chan-sync-1');
    await eventually(() => (pushes().length === 1 ? true : undefined));
    await h.control('POST', '/_sandbox/calendar/owner-edit', {
      calendarId: SYNC_OWNER,
      eventId: 'bookingcal1',
      start: '2026-12-11T11:00:00Z',
    });
    expect(
      pushes().map((p) => [
        p.headers['x-goog-resource-state'],
        p.headers['x-goog-channel-token'],
        p.headers['x-goog-resource-id'],
      ]),
    ).toEqual([
      ['sync', 'channel-secret', channel.resourceId],
      ['exists', 'channel-secret', channel.resourceId],
    ]);

    const duplicate = await upstreamFailure(
      synced.watchEvents('primary', { channelId: 'chan-sync-1', token: 'x', address }),
    );
    expect(duplicate.details).toMatchObject({ code: 'already_exists', retryable: false });
    expect(await synced.stopChannel({ channelId: 'chan-sync-1', resourceId: channel.resourceId })).toEqual({
      stopped: true,
    });
    expect(await synced.stopChannel({ channelId: 'chan-sync-1', resourceId: channel.resourceId })).toEqual({
      stopped: false,
    });
  });
});
