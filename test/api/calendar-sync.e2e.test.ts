// Two-way sync with Google Calendar end to end: the calendar's sync workflow on the real worker
// keeps a push channel on the sandbox's calendar; what the owner does in Calendar (played through
// the sandbox's control routes, which push the notification Google would) reaches the booking: a
// move moves it (and its reminders), a delete cancels it. A push with a wrong token is refused,
// and a sync token Google no longer honours (410) is a full resync.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { calendarSyncStatusQuery } from '../../src/workflows/calendar-sync.contract';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import { eventually, pollUntil } from '../helpers/eventually';

let e2e: E2E;
let owner: SignedInUser;
let serviceId: string;
let clientId: string;
let clientEmail: string;

const call = (method: string, path: string, json?: unknown) =>
  e2e.call(method, path, { token: owner.accessToken, ...(json === undefined ? {} : { json }) });
const allDay = [{ open: '00:00', close: '24:00' }];
const channels = async () =>
  (await e2e.sandbox.control('GET', `/_sandbox/calendar/channels?calendarId=${encodeURIComponent(owner.email)}`)).body
    .items as any[];

/** A booking `daysAhead` days from now, at 08:00 UTC plus `hoursLater`: well inside that day, whatever the time now. */
async function book(daysAhead: number, hoursLater = 0) {
  const startAt = DateTime.utc()
    .plus({ days: daysAhead })
    .startOf('day')
    .plus({ hours: 8 + hoursLater })
    .toISO();
  const res = await call('POST', '/api/bookings', { clientId, serviceId, startAt, channels: ['email'] });
  expect(res.status).toBe(201);
  await eventually(
    async () =>
      (
        await e2e.sandbox.control('GET', `/_sandbox/calendar/events?calendarId=${encodeURIComponent(owner.email)}`)
      ).body.items.some((e: any) => e.id === res.body.calendarEventId)
        ? true
        : undefined,
    30_000,
    'the event',
  );
  return res.body as { id: string; startAt: string; calendarEventId: string; workflowId: string };
}

const ownerEdit = (edit: Record<string, unknown>) =>
  e2e.sandbox.control('POST', '/_sandbox/calendar/owner-edit', { calendarId: owner.email, ...edit });
const getBooking = async (id: string) => (await call('GET', `/api/bookings/${id}`)).body;

beforeAll(async () => {
  e2e = await startE2E();
  owner = await registerTenant(e2e.server, { businessName: 'Two-way Spa' });
  const hours = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, allDay]));
  expect((await call('PUT', '/api/tenant/hours', { hours })).status).toBe(200);
  serviceId = (await call('POST', '/api/services', { name: 'Massage', durationMinutes: 60, bufferMinutes: 15 })).body
    .id;
  clientEmail = `lee-${randomUUID()}@client.example`;
  clientId = (await call('POST', '/api/clients', { name: 'Lee Client', email: clientEmail })).body.id;
});

afterAll(() => e2e?.close());

it('keeps a push channel on the calendar from the first booking on, and says so', async () => {
  await book(2);
  const [channel] = await pollUntil('a live channel', channels, (items) => items.length > 0, 30_000);
  expect(channel.address).toBe(`${e2e.config.http.publicBaseUrl}/api/calendar/webhook`);
  const status = await pollUntil(
    'a first sync',
    async () => (await call('GET', '/api/calendar')).body,
    (s) => s.syncedAt !== null,
    30_000,
  );
  expect(status).toMatchObject({
    status: 'connected',
    calendarId: owner.email,
    watchExpiresAt: expect.any(String),
    lastSyncError: null,
  });
});

it('moves the booking when the owner moves its event in Calendar, and tells the client the new time', async () => {
  const booking = await book(3);
  const to = DateTime.fromISO(booking.startAt).plus({ hours: 3 }).toUTC().toISO() as string;
  const edit = await ownerEdit({ eventId: booking.calendarEventId, start: to });
  expect(edit.status).toBe(200);
  expect(edit.body.pushes).toEqual([expect.objectContaining({ status: 204 })]);
  const moved = await pollUntil(
    'the booking moved',
    () => getBooking(booking.id),
    (b) => b.startAt === new Date(to).toISOString(),
    30_000,
  );
  expect(moved).toMatchObject({ status: 'confirmed', rescheduledAt: expect.any(String) });
  expect(Date.parse(moved.blockedUntil) - Date.parse(moved.endAt)).toBe(15 * 60_000);
  const audit = await call('GET', `/api/audit?target=booking:${booking.id}&action=booking.rescheduled`);
  expect(audit.body.items).toEqual([
    expect.objectContaining({
      actorId: null,
      detail: { by: 'calendar', from: booking.startAt, to: new Date(to).toISOString() },
    }),
  ]);
  await eventually(
    async () => (await e2e.sandbox.sent('gmail')).find((m) => m.to === clientEmail && m.subject.startsWith('Moved:')),
    30_000,
    'the notice',
  );
});

it('cancels the booking when the owner deletes its event in Calendar: its time is free, nothing more is sent', async () => {
  const booking = await book(4);
  expect((await ownerEdit({ eventId: booking.calendarEventId, deleted: true })).status).toBe(200);
  const cancelled = await pollUntil(
    'the booking cancelled',
    () => getBooking(booking.id),
    (b) => b.status === 'cancelled',
    30_000,
  );
  expect(cancelled).toMatchObject({ cancelledBy: 'calendar', cancellationReason: 'deleted in Google Calendar' });
  expect(await e2e.temporal.workflow.getHandle(booking.workflowId).result()).toMatchObject({ state: 'cancelled' });
  expect(
    (await call('POST', '/api/bookings', { clientId, serviceId, startAt: booking.startAt, channels: [] })).status,
  ).toBe(201);
});

it("counts the owner's other events only as busy time", async () => {
  const booking = await book(5);
  const start = DateTime.fromISO(booking.startAt).plus({ hours: 5 }).toUTC();
  expect(
    (
      await e2e.sandbox.control('POST', '/_sandbox/calendar/busy', {
        calendarId: owner.email,
        start: start.toISO(),
        end: start.plus({ hours: 1 }).toISO(),
      })
    ).status,
  ).toBe(201);
  const sync = (await call('GET', '/api/workflows?type=calendarSync')).body.items[0];
  const handle = e2e.temporal.workflow.getHandle(sync.workflowId);
  const before = (await handle.query(calendarSyncStatusQuery)).passes;
  await pollUntil(
    'a pass after the push',
    () => handle.query(calendarSyncStatusQuery),
    (s) => s.passes > before && s.state === 'waiting',
    30_000,
  );
  expect((await getBooking(booking.id)).status).toBe('confirmed');
  const slots = (
    await call(
      'GET',
      `/api/calendar/availability?serviceId=${serviceId}&from=${start.toISO()}&to=${start.plus({ hours: 2 }).toISO()}`,
    )
  ).body.slots;
  expect(slots.map((s: { startAt: string }) => s.startAt)).not.toContain(start.toJSDate().toISOString());
});

it('does a full resync when Google no longer honours the sync token (410), and still applies the change', async () => {
  const booking = await book(6);
  const before = (await e2e.sandbox.requests('calendar')).length;
  expect(
    (await e2e.sandbox.control('POST', '/_sandbox/calendar/expire-sync-tokens', { calendarId: owner.email })).status,
  ).toBe(200);
  const to = DateTime.fromISO(booking.startAt).plus({ hours: 2 }).toUTC().toISO() as string;
  await ownerEdit({ eventId: booking.calendarEventId, start: to });
  await pollUntil(
    'the booking moved',
    () => getBooking(booking.id),
    (b) => b.startAt === new Date(to).toISOString(),
    30_000,
  );
  // The pass that moved it was answered 410 first, and listed the calendar afresh.
  const lists = (await e2e.sandbox.requests('calendar'))
    .slice(before)
    .filter((r) => r.method === 'GET' && r.path.endsWith('/events'));
  expect(lists.map((r) => r.status)).toEqual(expect.arrayContaining([410, 200]));
  expect(lists.findIndex((r) => r.status === 410)).toBeLessThan(lists.findLastIndex((r) => r.status === 200));
  expect((await call('GET', '/api/calendar')).body.lastSyncError).toBeNull();
});

it("keeps a booking's time when the owner moves its event over another booking, and puts the event back", async () => {
  const first = await book(7);
  const second = await book(7, 3);
  await ownerEdit({ eventId: second.calendarEventId, start: first.startAt });
  const refused = await pollUntil(
    'the refusal',
    async () =>
      (await call('GET', `/api/audit?target=booking:${second.id}&action=booking.calendar_move_refused`)).body.items,
    (items) => items.length === 1,
    30_000,
  );
  expect(refused[0].detail).toMatchObject({ to: first.startAt, reason: 'overlaps a confirmed booking' });
  expect(await getBooking(second.id)).toMatchObject({ status: 'confirmed', startAt: second.startAt });
  await pollUntil(
    'the event back at its time',
    async () =>
      (
        await e2e.sandbox.control('GET', `/_sandbox/calendar/events?calendarId=${encodeURIComponent(owner.email)}`)
      ).body.items.find((e: any) => e.id === second.calendarEventId),
    (e) => Date.parse(e.start.dateTime) === Date.parse(second.startAt),
    30_000,
  );
});

it('refuses a push with a wrong or missing channel token, or an unknown channel (401)', async () => {
  const [channel] = await channels();
  const push = (headers: Record<string, string>) =>
    e2e.call('POST', '/api/calendar/webhook', { raw: '', headers: { 'X-Goog-Resource-State': 'exists', ...headers } });
  expect((await push({ 'X-Goog-Channel-ID': channel.id, 'X-Goog-Channel-Token': 'not-the-token' })).status).toBe(401);
  expect((await push({ 'X-Goog-Channel-ID': channel.id })).status).toBe(401);
  expect((await push({ 'X-Goog-Channel-ID': randomUUID(), 'X-Goog-Channel-Token': 'whatever' })).status).toBe(401);
});
