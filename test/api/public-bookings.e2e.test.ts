// The client's self-service end to end: the link arrives in the confirmation email (from the real
// booking workflow through the sandbox's Gmail), and with it alone, no token, the client sees the
// booking and its free slots, moves it (the link is then spent, the notice brings a new one) and
// cancels it, never inside the business's cancellation window. Any link that does not work is 404.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { signBookingLink } from '../../src/crypto/booking-link';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import { eventually, pollUntil } from '../helpers/eventually';

let e2e: E2E;
let owner: SignedInUser;
let serviceId: string;

const allDay = [{ open: '00:00', close: '24:00' }];
const staff = (method: string, path: string, json?: unknown) =>
  e2e.call(method, path, { token: owner.accessToken, ...(json === undefined ? {} : { json }) });
const LINK = /https?:\/\/\S+?(\/api\/public\/bookings\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;

/** A client of its own, booked at `startAt`, and the link path from the email whose subject starts so. */
async function bookAndGetLink(startAt: string, subject = 'Booked:') {
  const email = `pat-${randomUUID()}@client.example`;
  const clientId = (await staff('POST', '/api/clients', { name: 'Pat Client', email })).body.id;
  const booking = (await staff('POST', '/api/bookings', { clientId, serviceId, startAt, channels: ['email'] })).body;
  const link = await linkIn(email, subject);
  return { booking, email, link };
}

async function linkIn(email: string, subject: string): Promise<string> {
  const mail = await eventually(
    async () => (await e2e.sandbox.sent('gmail')).find((m) => m.to === email && m.subject.startsWith(subject)),
    30_000,
    `the ${subject} email`,
  );
  const match = LINK.exec(mail.text);
  if (!match) throw new Error(`no link in: ${mail.text}`);
  return match[1]!;
}

const hoursAhead = (h: number) => DateTime.utc().plus({ hours: h }).startOf('hour').toISO() as string;

beforeAll(async () => {
  e2e = await startE2E();
  owner = await registerTenant(e2e.server, { businessName: 'Self-service Studio' });
  const hours = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, allDay]));
  expect((await staff('PUT', '/api/tenant/hours', { hours, cancellationWindowHours: 24 })).status).toBe(200);
  serviceId = (await staff('POST', '/api/services', { name: 'Facial', durationMinutes: 60 })).body.id;
});

afterAll(() => e2e?.close());

it('shows the booking, offers slots beyond the window, moves it once per link, then cancels it', async () => {
  const { booking, email, link } = await bookAndGetLink(hoursAhead(72));
  const seen = await e2e.call('GET', link);
  expect(seen.status).toBe(200);
  expect(seen.body).toEqual({
    business: { name: 'Self-service Studio', timeZone: 'UTC' },
    service: { name: 'Facial', durationMinutes: 60 },
    startAt: booking.startAt,
    endAt: booking.endAt,
    status: 'confirmed',
    canCancel: true,
    canReschedule: true,
  });

  const from = DateTime.utc().toISO();
  const to = DateTime.utc().plus({ days: 2 }).toISO();
  const slots = await e2e.call('GET', `${link}/availability?from=${from}&to=${to}`);
  expect(slots.status).toBe(200);
  // Nothing inside the next 24 hours: the window.
  expect(Date.parse(slots.body.slots[0].startAt)).toBeGreaterThanOrEqual(Date.now() + 23.9 * 3_600_000);

  expect((await e2e.call('POST', `${link}/reschedule`, { json: { startAt: hoursAhead(5) } })).body.errors).toEqual([
    { path: 'startAt', message: 'must be at least 24 hours ahead' },
  ]);
  const taken = hoursAhead(96);
  expect(
    (await staff('POST', '/api/bookings', { clientId: booking.clientId, serviceId, startAt: taken, channels: [] }))
      .status,
  ).toBe(201);
  expect((await e2e.call('POST', `${link}/reschedule`, { json: { startAt: taken } })).status).toBe(409);

  const newTime = hoursAhead(100);
  const moved = await e2e.call('POST', `${link}/reschedule`, { json: { startAt: newTime } });
  expect(moved.status).toBe(200);
  expect(moved.body).toMatchObject({ startAt: newTime, status: 'confirmed' });
  expect((await staff('GET', `/api/bookings/${booking.id}`)).body.startAt).toBe(newTime);
  const audit = await staff('GET', `/api/audit?target=booking:${booking.id}&action=booking.rescheduled`);
  expect(audit.body.items).toEqual([
    expect.objectContaining({ actorId: null, detail: expect.objectContaining({ by: 'client', via: 'link' }) }),
  ]);
  // Spent; the notice of the new time brings a new link.
  expect((await e2e.call('GET', link)).status).toBe(404);
  const next = await linkIn(email, 'Moved:');
  expect((await e2e.call('GET', next)).body.startAt).toBe(newTime);

  const cancelled = await e2e.call('POST', `${next}/cancel`);
  expect(cancelled.status).toBe(200);
  expect(cancelled.body).toMatchObject({ status: 'cancelled', canCancel: false });
  expect((await staff('GET', `/api/bookings/${booking.id}`)).body).toMatchObject({
    status: 'cancelled',
    cancelledBy: 'client',
  });
  expect(await e2e.temporal.workflow.getHandle(booking.workflowId).result()).toMatchObject({
    state: 'cancelled',
    calendar: { state: 'deleted' },
  });
  expect((await e2e.call('GET', next)).status).toBe(404);
});

it('refuses to cancel or move inside the cancellation window (403), and says so', async () => {
  const { link } = await bookAndGetLink(hoursAhead(5));
  expect((await e2e.call('GET', link)).body).toMatchObject({
    status: 'confirmed',
    canCancel: false,
    canReschedule: false,
  });
  const cancel = await e2e.call('POST', `${link}/cancel`);
  expect(cancel.status).toBe(403);
  expect(cancel.body.detail).toMatch(/up to 24 hours before/);
  expect((await e2e.call('POST', `${link}/reschedule`, { json: { startAt: hoursAhead(80) } })).status).toBe(403);
});

it('answers 404 to a forged, altered or expired link, and shows a booking the front desk cancelled as cancelled', async () => {
  const { booking, link } = await bookAndGetLink(hoursAhead(120));
  const token = link.split('/').pop()!;
  const altered = `${token.slice(0, -3)}${token.slice(-3) === 'AAA' ? 'BBB' : 'AAA'}`;
  expect((await e2e.call('GET', `/api/public/bookings/${altered}`)).status).toBe(404);
  expect((await e2e.call('GET', '/api/public/bookings/not-a-token')).status).toBe(404);
  const forged = await signBookingLink('another secret entirely, long enough', {
    tenantId: owner.tenantId,
    bookingId: booking.id,
    jti: randomUUID(),
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  expect((await e2e.call('GET', `/api/public/bookings/${forged}`)).status).toBe(404);
  const expired = await signBookingLink(e2e.config.auth.jwtSecret, {
    tenantId: owner.tenantId,
    bookingId: booking.id,
    jti: randomUUID(),
    expiresAt: new Date(Date.now() - 1000),
  });
  expect((await e2e.call('GET', `/api/public/bookings/${expired}`)).status).toBe(404);
  // Signed right but never issued (no row): 404 as well.
  const unissued = await signBookingLink(e2e.config.auth.jwtSecret, {
    tenantId: owner.tenantId,
    bookingId: booking.id,
    jti: randomUUID(),
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  expect((await e2e.call('GET', `/api/public/bookings/${unissued}`)).status).toBe(404);

  expect((await staff('POST', `/api/bookings/${booking.id}/cancel`, {})).status).toBe(200);
  await pollUntil(
    'the cancel seen through the link',
    () => e2e.call('GET', link),
    (r) => r.body.status === 'cancelled',
    10_000,
  );
  expect((await e2e.call('POST', `${link}/cancel`)).status).toBe(409);
});
