// The sandbox's Google Calendar, driven through the official googleapis SDK over HTTP: events with
// our own ids, full and incremental lists (syncToken, 410 Gone), free/busy, watch channels whose
// push notifications reach a local HTTP server, and the control routes that play the owner's edits.
import { calendar as calendarApi, type calendar_v3 } from 'googleapis/build/src/apis/calendar';
import { googleServiceClient } from '../../src/providers/google/service-client';
import { type Delivered, eventually, type SandboxHarness, startTestSandbox } from '../helpers/sandbox';

let h: SandboxHarness;
let api: calendar_v3.Calendar;
const OWNER = 'front@salon.example';
const at = (iso: string) => ({ dateTime: new Date(iso).toISOString() });

beforeAll(async () => {
  h = await startTestSandbox();
  const { apiOptions } = googleServiceClient(h.config, 'calendar', { refreshToken: await h.connectMailbox(OWNER) });
  api = calendarApi({ version: 'v3', ...apiOptions });
});
afterAll(() => h.close());

/** The HTTP status and Google error reason a call fails with (fails the test if it succeeds). */
async function failure(promise: Promise<unknown>): Promise<{ status: number; reason: string | undefined; body: any }> {
  try {
    await promise;
  } catch (err) {
    const response = (err as { response?: { status: number; data: any } }).response;
    if (!response) throw err;
    return { status: response.status, reason: response.data?.error?.errors?.[0]?.reason, body: response.data };
  }
  throw new Error('expected the call to fail');
}

async function insert(id: string, start: string, end: string, extra: calendar_v3.Schema$Event = {}) {
  return (
    await api.events.insert({
      calendarId: 'primary',
      requestBody: { id, summary: id, start: at(start), end: at(end), ...extra },
    })
  ).data;
}

/** Every page of one list pass: the events, and the sync token its last page carried. */
async function listAll(
  params: calendar_v3.Params$Resource$Events$List,
): Promise<{ items: calendar_v3.Schema$Event[]; nextSyncToken: string; pages: number }> {
  const items: calendar_v3.Schema$Event[] = [];
  let pageToken: string | undefined;
  for (let pages = 1; ; pages++) {
    const { data } = await api.events.list({ calendarId: 'primary', ...params, ...(pageToken ? { pageToken } : {}) });
    items.push(...(data.items ?? []));
    if (data.nextPageToken) {
      expect(data.nextSyncToken).toBeUndefined();
      pageToken = data.nextPageToken;
      continue;
    }
    expect(data.nextSyncToken).toEqual(expect.any(String));
    return { items, nextSyncToken: data.nextSyncToken!, pages };
  }
}

describe('events', () => {
  it('inserts with a caller-chosen id; the same id again is 409 duplicate, even after a delete', async () => {
    const event = await insert('evtinsert01', '2026-12-01T10:00:00Z', '2026-12-01T11:00:00Z', {
      extendedProperties: { private: { bookingId: 'b-1' } },
    });
    expect(event).toMatchObject({
      id: 'evtinsert01',
      status: 'confirmed',
      extendedProperties: { private: { bookingId: 'b-1' } },
    });
    expect(await failure(insert('evtinsert01', '2026-12-01T12:00:00Z', '2026-12-01T13:00:00Z'))).toMatchObject({
      status: 409,
      reason: 'duplicate',
    });
    await api.events.delete({ calendarId: 'primary', eventId: 'evtinsert01' });
    expect(await failure(insert('evtinsert01', '2026-12-01T12:00:00Z', '2026-12-01T13:00:00Z'))).toMatchObject({
      status: 409,
      reason: 'duplicate',
    });
    expect(await failure(api.events.delete({ calendarId: 'primary', eventId: 'evtinsert01' }))).toMatchObject({
      status: 410,
    });
    expect(await failure(api.events.delete({ calendarId: 'primary', eventId: 'nosuchevent' }))).toMatchObject({
      status: 404,
      reason: 'notFound',
    });
    expect((await h.sent('calendar')).filter((s) => s.eventId === 'evtinsert01').map((s) => s.operation)).toEqual([
      'insert',
      'delete',
    ]);
  });

  it('patches only what is given', async () => {
    await insert('evtpatch01', '2026-12-02T09:00:00Z', '2026-12-02T10:00:00Z', { description: 'keep me' });
    const { data } = await api.events.patch({
      calendarId: 'primary',
      eventId: 'evtpatch01',
      requestBody: { start: at('2026-12-02T14:00:00Z'), end: at('2026-12-02T15:00:00Z') },
    });
    expect(data).toMatchObject({
      description: 'keep me',
      sequence: 1,
      start: at('2026-12-02T14:00:00Z'),
      end: at('2026-12-02T15:00:00Z'),
    });
  });
});

describe('full and incremental lists', () => {
  it('puts nextSyncToken on the last page only; a list with it returns just the changes, deletions as id and status', async () => {
    await insert('evtlist01', '2026-12-05T09:00:00Z', '2026-12-05T10:00:00Z');
    await insert('evtlist02', '2026-12-06T09:00:00Z', '2026-12-06T10:00:00Z');
    const full = await listAll({ maxResults: 2 });
    expect(full.pages).toBeGreaterThan(1);
    expect(full.items.map((e) => e.id)).toContain('evtpatch01');
    expect(full.items.map((e) => e.id)).not.toContain('evtinsert01'); // deleted, and showDeleted was not asked

    const unchanged = await listAll({ syncToken: full.nextSyncToken });
    expect(unchanged.items).toEqual([]);
    expect(unchanged.nextSyncToken).toBe(full.nextSyncToken);

    await insert('evtdelta01', '2026-12-03T09:00:00Z', '2026-12-03T10:00:00Z');
    await api.events.patch({ calendarId: 'primary', eventId: 'evtpatch01', requestBody: { summary: 'Renamed' } });
    await api.events.delete({ calendarId: 'primary', eventId: 'evtdelta01' });
    await insert('evtdelta02', '2026-12-04T09:00:00Z', '2026-12-04T10:00:00Z');

    const changes = await listAll({ syncToken: full.nextSyncToken });
    expect(changes.items).toEqual([
      expect.objectContaining({ id: 'evtpatch01', status: 'confirmed', summary: 'Renamed' }),
      { kind: 'calendar#event', etag: expect.any(String), id: 'evtdelta01', status: 'cancelled' },
      expect.objectContaining({ id: 'evtdelta02', status: 'confirmed', start: at('2026-12-04T09:00:00Z') }),
    ]);
    expect((await listAll({ syncToken: changes.nextSyncToken })).items).toEqual([]);
  });

  it('loses no change when events change between the pages of one pass', async () => {
    const { nextSyncToken } = await listAll({});
    for (const n of [1, 2, 3, 4]) await insert(`evtpage0${n}`, `2026-12-1${n}T09:00:00Z`, `2026-12-1${n}T10:00:00Z`);
    const first = (await api.events.list({ calendarId: 'primary', syncToken: nextSyncToken, maxResults: 2 })).data;
    expect(first.items!.map((e) => e.id)).toEqual(['evtpage01', 'evtpage02']);
    // Changing an event already read moves it to the end of the log: the rest of the pass is unaffected.
    await api.events.patch({ calendarId: 'primary', eventId: 'evtpage01', requestBody: { summary: 'moved on' } });
    const second = (
      await api.events.list({
        calendarId: 'primary',
        syncToken: nextSyncToken,
        pageToken: first.nextPageToken!,
        maxResults: 2,
      })
    ).data;
    expect(second.items!.map((e) => e.id)).toEqual(['evtpage03', 'evtpage04']);
    expect(second.nextSyncToken).toEqual(expect.any(String));
    const after = await listAll({ syncToken: second.nextSyncToken! });
    expect(after.items).toEqual([expect.objectContaining({ id: 'evtpage01', summary: 'moved on' })]);
  });

  it('refuses a syncToken beside other restrictions, as Google does', async () => {
    const { nextSyncToken } = await listAll({});
    expect(
      await failure(
        api.events.list({ calendarId: 'primary', syncToken: nextSyncToken, timeMin: '2026-12-01T00:00:00Z' }),
      ),
    ).toMatchObject({
      status: 400,
      reason: 'syncTokenWithRequestRestrictions',
    });
  });

  it('answers 410 fullSyncRequired once the tokens are expired, or for a token it never gave; a new full list starts over', async () => {
    const { nextSyncToken } = await listAll({ timeMin: '2026-11-01T00:00:00Z' });
    const expired = await h.control('POST', '/_sandbox/calendar/expire-sync-tokens', { calendarId: OWNER });
    expect(expired.status).toBe(200);
    const gone = await failure(api.events.list({ calendarId: 'primary', syncToken: nextSyncToken }));
    expect(gone).toMatchObject({ status: 410, reason: 'fullSyncRequired' });
    expect(gone.body.error).toMatchObject({
      code: 410,
      message: 'Sync token is no longer valid, a full sync is required.',
      errors: [{ domain: 'calendar' }],
    });
    expect(await failure(api.events.list({ calendarId: 'primary', syncToken: 'bm90LWEtdG9rZW4' }))).toMatchObject({
      status: 410,
      reason: 'fullSyncRequired',
    });

    const fresh = await listAll({ timeMin: '2026-11-01T00:00:00Z' });
    expect(fresh.items.length).toBeGreaterThan(0);
    expect((await listAll({ syncToken: fresh.nextSyncToken })).items).toEqual([]);
  });

  it('calendars of other accounts are 404', async () => {
    expect(await failure(api.events.list({ calendarId: 'someone@else.example' }))).toMatchObject({ status: 404 });
  });
});

describe('freeBusy.query', () => {
  it('counts every event that is neither transparent nor deleted, overlapping ones merged', async () => {
    await insert('evtfree01', '2026-12-20T09:00:00Z', '2026-12-20T10:00:00Z');
    await insert('evtfree02', '2026-12-20T09:30:00Z', '2026-12-20T11:00:00Z');
    await insert('evtfree03', '2026-12-20T12:00:00Z', '2026-12-20T13:00:00Z', { transparency: 'transparent' });
    await insert('evtfree04', '2026-12-20T14:00:00Z', '2026-12-20T15:00:00Z');
    await api.events.delete({ calendarId: 'primary', eventId: 'evtfree04' });
    await insert('evtfree05', '2026-12-20T16:00:00Z', '2026-12-20T18:00:00Z', { status: 'tentative' });
    const { data } = await api.freebusy.query({
      requestBody: { timeMin: '2026-12-20T00:00:00Z', timeMax: '2026-12-20T17:00:00Z', items: [{ id: OWNER }] },
    });
    expect(data.calendars![OWNER]!.busy).toEqual([
      { start: '2026-12-20T09:00:00.000Z', end: '2026-12-20T11:00:00.000Z' },
      { start: '2026-12-20T16:00:00.000Z', end: '2026-12-20T17:00:00.000Z' },
    ]);
  });
});

describe('watch channels and push notifications', () => {
  const pushesOf = (channelId: string): Delivered[] =>
    h.receiver.received
      .filter((d) => d.headers['x-goog-channel-id'] === channelId)
      .sort((a, b) => Number(a.headers['x-goog-message-number']) - Number(b.headers['x-goog-message-number']));

  it('confirms a new channel with a sync notification, then pushes exists after every change, API or owner', async () => {
    const expiration = Date.now() + 3 * 86_400_000;
    const address = `${h.receiver.url}/api/calendar/webhook`;
    const { data: channel } = await api.events.watch({
      calendarId: 'primary',
      requestBody: {
        id: 'chan-0001',
        type: 'web_hook',
        address,
        token: 'tenant=t1&v=secret',
        expiration: String(expiration),
      },
    });
    expect(channel).toMatchObject({
      kind: 'api#channel',
      id: 'chan-0001',
      resourceId: expect.any(String),
      token: 'tenant=t1&v=secret',
      expiration: String(expiration),
    });

    const [sync] = await eventually(() => (pushesOf('chan-0001').length >= 1 ? pushesOf('chan-0001') : undefined));
    expect(sync).toMatchObject({ method: 'POST', path: '/api/calendar/webhook', body: '' });
    expect(sync!.headers).toMatchObject({
      'x-goog-channel-token': 'tenant=t1&v=secret',
      'x-goog-resource-id': channel.resourceId,
      'x-goog-resource-state': 'sync',
      'x-goog-message-number': '1',
      'x-goog-channel-expiration': new Date(expiration).toUTCString(),
    });

    // The owner blocks an afternoon: an event not ours, pushed; the control route answers the receiver's status.
    h.receiver.respondWith(204);
    const busy = await h.control('POST', '/_sandbox/calendar/busy', {
      calendarId: OWNER,
      start: '2026-12-21T13:00:00Z',
      end: '2026-12-21T17:00:00Z',
    });
    h.receiver.respondWith(200);
    expect(busy.status).toBe(201);
    expect(busy.body.event).toMatchObject({ status: 'confirmed', summary: 'Busy', start: at('2026-12-21T13:00:00Z') });
    expect(busy.body.pushes).toEqual([{ channelId: 'chan-0001', messageNumber: 2, status: 204 }]);
    expect(
      pushesOf('chan-0001').map((p) => [p.headers['x-goog-resource-state'], p.headers['x-goog-message-number']]),
    ).toEqual([
      ['sync', '1'],
      ['exists', '2'],
    ]);

    // A change made through the API is pushed too, a moment later.
    await insert('evtmoved01', '2026-12-22T09:00:00Z', '2026-12-22T10:00:00Z');
    await eventually(() => (pushesOf('chan-0001').length === 3 ? true : undefined));
    expect(pushesOf('chan-0001')[2]!.headers['x-goog-resource-state']).toBe('exists');
  });

  it('plays the owner moving and deleting an event; incremental lists see both', async () => {
    const { nextSyncToken } = await listAll({});
    const moved = await h.control('POST', '/_sandbox/calendar/owner-edit', {
      calendarId: OWNER,
      eventId: 'evtmoved01',
      start: '2026-12-22T15:00:00Z',
    });
    expect(moved.status).toBe(200);
    expect(moved.body.event).toMatchObject({
      start: at('2026-12-22T15:00:00Z'),
      end: at('2026-12-22T16:00:00Z'),
      sequence: 1,
    });
    expect(moved.body.pushes).toEqual([expect.objectContaining({ channelId: 'chan-0001', status: 200 })]);
    const afterMove = await listAll({ syncToken: nextSyncToken });
    expect(afterMove.items).toEqual([expect.objectContaining({ id: 'evtmoved01', start: at('2026-12-22T15:00:00Z') })]);

    const deleted = await h.control('POST', '/_sandbox/calendar/owner-edit', {
      calendarId: OWNER,
      eventId: 'evtmoved01',
      deleted: true,
    });
    expect(deleted.body.event.status).toBe('cancelled');
    expect((await listAll({ syncToken: afterMove.nextSyncToken })).items).toEqual([
      expect.objectContaining({ id: 'evtmoved01', status: 'cancelled' }),
    ]);

    const listed = (await h.control('GET', `/_sandbox/calendar/events?calendarId=${OWNER}`)).body.items;
    expect(listed.map((e: { id: string }) => e.id)).not.toContain('evtmoved01');
    expect(listed.find((e: { summary: string }) => e.summary === 'Busy')).toBeDefined();
    // The owner's edits are not something the app sent.
    expect((await h.sent('calendar')).filter((s) => s.eventId === 'evtmoved01').map((s) => s.operation)).toEqual([
      'insert',
    ]);
  });

  it('refuses a channel id in use; channels.stop ends the pushes, and a second stop is 404', async () => {
    const address = `${h.receiver.url}/api/calendar/webhook`;
    expect(
      await failure(
        api.events.watch({ calendarId: 'primary', requestBody: { id: 'chan-0001', type: 'web_hook', address } }),
      ),
    ).toMatchObject({
      status: 400,
      reason: 'channelIdNotUnique',
    });
    expect(
      await failure(
        api.events.watch({ calendarId: 'primary', requestBody: { id: 'chan-0002', type: 'carrier_pigeon', address } }),
      ),
    ).toMatchObject({ status: 400 });

    const { data: channel } = await api.events.watch({
      calendarId: 'primary',
      requestBody: { id: 'chan-0002', type: 'web_hook', address },
    });
    // No expiration asked: a week.
    expect(Number(channel.expiration) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(channel.token).toBeUndefined();
    await eventually(() => (pushesOf('chan-0002').length === 1 ? true : undefined));
    expect(pushesOf('chan-0002')[0]!.headers['x-goog-channel-token']).toBeUndefined();
    const channels = (await h.control('GET', `/_sandbox/calendar/channels?calendarId=${OWNER}`)).body.items;
    expect(channels.map((c: { id: string }) => c.id).sort()).toEqual(['chan-0001', 'chan-0002']);

    await api.channels.stop({ requestBody: { id: 'chan-0001', resourceId: channel.resourceId } });
    expect(
      await failure(api.channels.stop({ requestBody: { id: 'chan-0001', resourceId: channel.resourceId } })),
    ).toMatchObject({ status: 404, reason: 'notFound' });
    const before = pushesOf('chan-0001').length;
    const busy = await h.control('POST', '/_sandbox/calendar/busy', {
      calendarId: OWNER,
      start: '2026-12-23T09:00:00Z',
      end: '2026-12-23T10:00:00Z',
      summary: 'Dentist',
    });
    expect(busy.body.pushes).toEqual([expect.objectContaining({ channelId: 'chan-0002', messageNumber: 2 })]);
    expect(pushesOf('chan-0001')).toHaveLength(before);
    expect(
      (await h.sent('calendar'))
        .filter((s) => s.operation === 'watch' || s.operation === 'stop')
        .map((s) => [s.operation, s.channelId]),
    ).toEqual([
      ['watch', 'chan-0001'],
      ['watch', 'chan-0002'],
      ['stop', 'chan-0001'],
    ]);
    await api.channels.stop({ requestBody: { id: 'chan-0002', resourceId: channel.resourceId } });
  });

  it('reports a receiver it cannot reach as status 0', async () => {
    await api.events.watch({
      calendarId: 'primary',
      requestBody: { id: 'chan-0003', type: 'web_hook', address: 'http://127.0.0.1:9/unreachable' },
    });
    const busy = await h.control('POST', '/_sandbox/calendar/busy', {
      calendarId: OWNER,
      start: '2026-12-24T09:00:00Z',
      end: '2026-12-24T10:00:00Z',
    });
    expect(busy.body.pushes).toEqual([
      expect.objectContaining({ channelId: 'chan-0003', status: 0, error: expect.any(String) }),
    ]);
  });
});

describe('control route input and faults', () => {
  it('answers 400 naming the field, 404 for an event the calendar does not have', async () => {
    const backwards = await h.control('POST', '/_sandbox/calendar/busy', {
      calendarId: OWNER,
      start: '2026-12-21T13:00:00Z',
      end: '2026-12-21T12:00:00Z',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors).toEqual([expect.objectContaining({ path: 'end' })]);
    expect(
      (await h.control('POST', '/_sandbox/calendar/owner-edit', { calendarId: OWNER, eventId: 'evtpatch01' })).body
        .errors,
    ).toEqual([expect.objectContaining({ path: 'start' })]);
    expect(
      (
        await h.control('POST', '/_sandbox/calendar/owner-edit', {
          calendarId: OWNER,
          eventId: 'nosuchevent',
          deleted: true,
        })
      ).status,
    ).toBe(404);
    expect((await h.control('GET', '/_sandbox/calendar/events')).status).toBe(400);
  });

  it('injected faults hit watch and list like any Calendar call', async () => {
    await h.fault({ provider: 'calendar', status: 503 });
    expect(
      await failure(
        api.events.watch({
          calendarId: 'primary',
          requestBody: { id: 'chan-0004', type: 'web_hook', address: h.receiver.url },
        }),
      ),
    ).toMatchObject({ status: 503 });
    await h.fault({ provider: 'calendar', status: 429 });
    expect(await failure(api.events.list({ calendarId: 'primary' }))).toMatchObject({
      status: 429,
      reason: 'rateLimitExceeded',
    });
  });
});
