// GET /api/calendar/availability end to end: HTTP in, the free/busy question asked by a short
// workflow on the real worker, Google Calendar as the sandbox speaks it, the business's hours in
// its own zone across a daylight-saving change, and confirmed bookings (buffers included) taken out.
import { randomUUID } from 'node:crypto';
import { cancelBooking, insertBooking } from '../../src/db/bookings';
import { withTenant } from '../../src/db/tenant-transaction';
import { calendarEventIdForBooking } from '../../src/domain/bookings';
import { bookingWorkflowId } from '../../src/domain/workflow-ids';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';

let e2e: E2E;
let owner: SignedInUser;
let serviceId: string;
let clientId: string;

const everyMorning = { open: '09:00', close: '12:00' };
// New York springs forward on Sunday 2030-03-10: 09:00 is 14:00Z on the Saturday, 13:00Z after.
const FROM = '2030-03-09T05:00:00.000Z'; // Saturday 00:00 EST
const TO = '2030-03-12T04:00:00.000Z'; // Tuesday 00:00 EDT

async function insertConfirmed(startAt: string, minutes: number, bufferMinutes: number) {
  const id = randomUUID();
  const start = new Date(startAt);
  const end = new Date(start.getTime() + minutes * 60_000);
  return withTenant(e2e.pool, owner.tenantId, (db) =>
    insertBooking(db, {
      id,
      tenantId: owner.tenantId,
      clientId,
      serviceId,
      calendarId: 'primary',
      startAt: start,
      endAt: end,
      blockedUntil: new Date(end.getTime() + bufferMinutes * 60_000),
      notes: null,
      channels: ['email'],
      calendarEventId: calendarEventIdForBooking(id),
      workflowId: bookingWorkflowId(owner.tenantId, id),
    }),
  );
}

const availability = (query: string, token = owner.accessToken) =>
  e2e.call('GET', `/api/calendar/availability?${query}`, { token });

beforeAll(async () => {
  e2e = await startE2E();
  owner = await registerTenant(e2e.server, { businessName: 'Availability Barbers', timezone: 'America/New_York' });
  const hours = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [everyMorning]]));
  expect((await e2e.call('PUT', '/api/tenant/hours', { token: owner.accessToken, json: { hours } })).status).toBe(200);
  serviceId = (
    await e2e.call('POST', '/api/services', {
      token: owner.accessToken,
      json: { name: 'Hot towel shave', durationMinutes: 60 },
    })
  ).body.id;
  clientId = (
    await e2e.call('POST', '/api/clients', {
      token: owner.accessToken,
      json: { name: 'Sam Client', email: 'sam@client.example' },
    })
  ).body.id;
});

afterAll(() => e2e?.close());

it('offers the opening hours in the business zone across a DST change, minus Calendar busy time and confirmed bookings', async () => {
  // The owner's dentist appointment, in Google Calendar: Sunday 10:30-11:00 New York time.
  const busy = await e2e.sandbox.control('POST', '/_sandbox/calendar/busy', {
    calendarId: owner.email,
    start: '2030-03-10T14:30:00.000Z',
    end: '2030-03-10T15:00:00.000Z',
    summary: 'Dentist',
  });
  expect(busy.status).toBe(201);
  // Monday 09:00-10:00 booked, with 15 minutes of buffer after: the 10:00 slot is taken too.
  await insertConfirmed('2030-03-11T13:00:00.000Z', 60, 15);
  // A cancelled booking blocks nothing.
  const cancelled = await insertConfirmed('2030-03-09T14:00:00.000Z', 60, 0);
  await withTenant(e2e.pool, owner.tenantId, (db) => cancelBooking(db, cancelled.id, { by: 'staff' }));

  const res = await availability(`serviceId=${serviceId}&from=${FROM}&to=${TO}`);
  expect(res.status).toBe(200);
  expect(res.body.timeZone).toBe('America/New_York');
  expect(res.body.slots.map((s: { startAt: string }) => s.startAt)).toEqual([
    '2030-03-09T14:00:00.000Z',
    '2030-03-09T15:00:00.000Z',
    '2030-03-09T16:00:00.000Z',
    '2030-03-10T13:00:00.000Z',
    '2030-03-10T15:00:00.000Z',
    '2030-03-11T15:00:00.000Z',
  ]);
  expect(res.body.slots[0]).toEqual({ startAt: '2030-03-09T14:00:00.000Z', endAt: '2030-03-09T15:00:00.000Z' });
  // Calendar was asked through the worker, for the tenant's primary calendar.
  const calls = await e2e.sandbox.requests('calendar');
  expect(calls.at(-1)).toMatchObject({ method: 'POST', path: expect.stringContaining('/freeBusy'), status: 200 });
});

it('answers 422 naming the field for a range too long or backwards, or a service not on the menu', async () => {
  const tooLong = await availability(
    `serviceId=${serviceId}&from=2030-03-01T00:00:00.000Z&to=2030-04-02T00:00:00.000Z`,
  );
  expect(tooLong.status).toBe(422);
  expect(tooLong.body.errors).toEqual([{ path: 'to', message: 'must be at most 31 days after from' }]);
  expect((await availability(`serviceId=${serviceId}&from=${TO}&to=${FROM}`)).body.errors).toEqual([
    { path: 'to', message: 'must be after from' },
  ]);
  expect(
    (await availability(`serviceId=${serviceId}&from=yesterday&to=${TO}`)).body.errors.map(
      (e: { path: string }) => e.path,
    ),
  ).toEqual(['from']);
  const unknown = await availability(`serviceId=${randomUUID()}&from=${FROM}&to=${TO}`);
  expect(unknown.status).toBe(422);
  expect(unknown.body.errors[0].path).toBe('serviceId');
  const other = await registerTenant(e2e.server);
  expect(
    (await availability(`serviceId=${serviceId}&from=${FROM}&to=${TO}`, other.accessToken)).body.errors[0].path,
  ).toBe('serviceId');
});

it('answers 503 naming the failure when Calendar keeps failing', async () => {
  await e2e.sandbox.fault({ provider: 'calendar', status: 503, count: 2 });
  const res = await availability(`serviceId=${serviceId}&from=${FROM}&to=${TO}`);
  expect(res.status).toBe(503);
  expect(res.body.detail).toMatch(
    /^Google Calendar did not answer: server_error: calendar freebusy.query failed \(HTTP 503\)/,
  );
});
