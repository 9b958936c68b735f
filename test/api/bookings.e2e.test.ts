// Bookings end to end: HTTP in, the booking workflow on the real worker and Temporal server,
// Google Calendar, Gmail and Twilio as the sandbox speaks them. What a front desk and a client
// would see: the event in the business's calendar, the confirmation and the reminder in the
// mail, a cancelled booking's event gone and no reminder for it, one of two racing requests
// refused, a move followed by the calendar and the mail, a completed booking billed.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { calendarEventIdForBooking } from '../../src/domain/bookings';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import { eventually, pollUntil } from '../helpers/eventually';

let e2e: E2E;
let owner: SignedInUser;
let serviceId: string;
let client: { id: string; email: string; phone: string };
let zone: string;

const MINUTE = 60_000;
const allDay = [{ open: '00:00', close: '24:00' }];

/** A zone where it is now between 02:00 and 20:00, so a booking in the next few hours stays within one day's opening. */
function zoneAwayFromMidnight(): string {
  for (const zone of [
    'Europe/London',
    'America/New_York',
    'Asia/Tokyo',
    'Pacific/Honolulu',
    'Asia/Kolkata',
    'Pacific/Kiritimati',
  ]) {
    const hour = DateTime.now().setZone(zone).hour;
    if (hour >= 2 && hour <= 20) return zone;
  }
  throw new Error('no zone found');
}

const call = (method: string, path: string, json?: unknown, token = owner.accessToken) =>
  e2e.call(method, path, { token, ...(json === undefined ? {} : { json }) });
const book = (startAt: Date | string, over: Record<string, unknown> = {}) =>
  call('POST', '/api/bookings', {
    clientId: client.id,
    serviceId,
    startAt: typeof startAt === 'string' ? startAt : startAt.toISOString(),
    ...over,
  });
const calendarEvents = async () =>
  (await e2e.sandbox.control('GET', `/_sandbox/calendar/events?calendarId=${encodeURIComponent(owner.email)}`)).body
    .items as any[];
const mailTo = async (to: string) => (await e2e.sandbox.sent('gmail')).filter((m) => m.to === to);

/** A start ten minutes and `seconds` ahead: its reminder (ten minutes before) is due in `seconds`. */
const startSoon = (seconds: number) => new Date(Date.now() + 10 * MINUTE + seconds * 1000);
/** How the messages write a start (the subject's short form, in the business zone). */
const shortTime = (startAt: string) => DateTime.fromISO(startAt, { zone }).toFormat('ccc d LLL, HH:mm');

beforeAll(async () => {
  e2e = await startE2E();
  zone = zoneAwayFromMidnight();
  owner = await registerTenant(e2e.server, { businessName: 'Juniper Nails', timezone: zone });
  const hours = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, allDay]));
  // One reminder, by email, 10 minutes before: due within seconds for a booking made 10 minutes ahead.
  const settings = await call('PUT', '/api/tenant/hours', {
    hours,
    reminders: [{ channel: 'email', minutesBefore: 10 }],
  });
  expect(settings.status).toBe(200);
  serviceId = (
    await call('POST', '/api/services', { name: 'Gel manicure', durationMinutes: 5, priceCents: 3500, currency: 'usd' })
  ).body.id;
  const created = await call('POST', '/api/clients', {
    name: 'Rosa Client',
    email: `rosa-${randomUUID()}@client.example`,
    phone: '+1 415 555 0199',
    smsConsent: true,
  });
  client = created.body;
});

afterAll(() => e2e?.close());

describe('a booking made ten minutes ahead', () => {
  let booking: any;
  const start = () => new Date(booking.startAt);

  beforeAll(async () => {
    const res = await book(startSoon(20));
    expect(res.status).toBe(201);
    booking = res.body;
  });

  it('answers 201 at once with its workflow and the id of its Calendar event', () => {
    expect(booking).toMatchObject({
      status: 'confirmed',
      clientId: client.id,
      serviceId,
      workflowId: `booking:${owner.tenantId}:${booking.id}`,
      calendarEventId: calendarEventIdForBooking(booking.id),
      channels: ['email', 'sms'],
    });
    expect(Date.parse(booking.endAt) - Date.parse(booking.startAt)).toBe(5 * MINUTE);
  });

  it('puts the event in the business calendar and sends the confirmation by email and SMS', async () => {
    const event = await eventually(
      async () => (await calendarEvents()).find((e) => e.id === booking.calendarEventId),
      30_000,
      'the event',
    );
    expect(event).toMatchObject({
      summary: 'Gel manicure: Rosa Client',
      status: 'confirmed',
      extendedProperties: { private: { frontdeskBookingId: booking.id } },
    });
    expect(Date.parse(event.start.dateTime)).toBe(start().getTime());
    const confirmation = await eventually(
      async () => (await mailTo(client.email)).find((m) => m.subject.startsWith('Booked:')),
      30_000,
      'the confirmation',
    );
    expect(confirmation.subject).toContain('Gel manicure at Juniper Nails');
    expect(confirmation.text).toContain('Rosa Client');
    const text = await eventually(
      async () => (await e2e.sandbox.sent('twilio')).find((t) => t.to === '+14155550199' && t.body.includes('booked')),
      30_000,
      'the text',
    );
    expect(text.body).toContain('Juniper Nails');
  });

  it('sends the reminder when it is due, and shows what was sent on the booking', async () => {
    const reminder = await eventually(
      async () => (await mailTo(client.email)).find((m) => m.subject.startsWith('Reminder:')),
      60_000,
      'the reminder',
    );
    expect(reminder.subject).toBe(`Reminder: Gel manicure at Juniper Nails, ${shortTime(booking.startAt)}`);
    const detail = await pollUntil(
      'the reminder on the booking',
      async () => (await call('GET', `/api/bookings/${booking.id}`)).body,
      (d) => d.reminders.sent.some((m: any) => m.kind === 'reminder' && m.status === 'sent'),
      30_000,
    );
    expect(detail.reminders.sent).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'confirmation',
          channel: 'email',
          status: 'sent',
          forStartAt: booking.startAt,
        }),
        expect.objectContaining({ kind: 'confirmation', channel: 'sms', status: 'sent' }),
        expect.objectContaining({ kind: 'reminder', channel: 'email', minutesBefore: 10, status: 'sent' }),
      ]),
    );
    expect(detail.reminders.nextReminderAt).toBeNull();
  }, 120_000);

  it('is completed and billed at the service price, which starts its payment reminders', async () => {
    const res = await call('POST', `/api/bookings/${booking.id}/complete`, { invoice: {} });
    expect(res.status).toBe(200);
    expect(res.body.booking).toMatchObject({ status: 'completed', invoiceId: res.body.invoiceId });
    const invoice = (await call('GET', `/api/invoices/${res.body.invoiceId}`)).body;
    expect(invoice).toMatchObject({
      clientId: client.id,
      amountCents: 3500,
      currency: 'usd',
      status: 'open',
      workflowId: `invoice:${owner.tenantId}:${res.body.invoiceId}`,
    });
    expect(invoice.description).toContain('Gel manicure');
    await pollUntil(
      'the payment link',
      async () => (await call('GET', `/api/invoices/${res.body.invoiceId}`)).body,
      (i) => i.paymentUrl !== null,
      30_000,
    );
    expect((await call('POST', `/api/bookings/${booking.id}/cancel`, {})).status).toBe(409);
  });
});

it('cancelled: the event is deleted and no reminder goes out', async () => {
  // The first booking is completed by now: this one may take the same minutes.
  const own = (await call('POST', '/api/clients', { name: 'Cal Client', email: `cal-${randomUUID()}@client.example` }))
    .body;
  const made = (await book(startSoon(15), { clientId: own.id, channels: ['email'] })).body;
  await eventually(
    async () => (await calendarEvents()).some((e) => e.id === made.calendarEventId),
    30_000,
    'the event',
  );
  await pollUntil(
    'the confirmation',
    async () => (await call('GET', `/api/bookings/${made.id}`)).body.reminders.sent,
    (s: any[]) => s.some((m) => m.kind === 'confirmation' && m.status === 'sent'),
    30_000,
  );

  const cancelled = await call('POST', `/api/bookings/${made.id}/cancel`, { reason: 'Client is unwell' });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body).toMatchObject({
    status: 'cancelled',
    cancelledBy: 'staff',
    cancellationReason: 'Client is unwell',
  });
  await pollUntil(
    'the event deleted',
    calendarEvents,
    (events) => !events.some((e) => e.id === made.calendarEventId),
    30_000,
  );
  // The workflow ends there, with the event deleted and nothing more sent.
  const result = await e2e.temporal.workflow.getHandle(made.workflowId).result();
  expect(result).toMatchObject({
    state: 'cancelled',
    calendar: { state: 'deleted' },
    sent: [expect.objectContaining({ kind: 'confirmation', status: 'sent' })],
  });
  // Past the reminder's instant: still nothing but the confirmation about it.
  await eventually(async () => (Date.now() > Date.parse(made.startAt) - 10 * MINUTE + 2000 ? true : undefined), 30_000);
  const toThem = await mailTo(own.email);
  expect(toThem.map((m) => m.subject)).toEqual([`Booked: Gel manicure at Juniper Nails, ${shortTime(made.startAt)}`]);
  const messages = (await call('GET', `/api/bookings/${made.id}`)).body.reminders.sent;
  expect(messages.filter((m: any) => m.kind === 'reminder' && m.status === 'sent')).toEqual([]);
  const audit = await call('GET', `/api/audit?target=booking:${made.id}&action=booking.cancelled`);
  expect(audit.body.items).toEqual([
    expect.objectContaining({ actorId: owner.userId, detail: { by: 'staff', reason: 'Client is unwell' } }),
  ]);
}, 120_000);

it('gives one of two requests racing for the same slot a 201 and the other a 409', async () => {
  const slot = DateTime.now().plus({ days: 3 }).startOf('hour').toJSDate();
  const answers = await Promise.all([book(slot, { channels: [] }), book(slot, { channels: [] })]);
  expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
  const refused = answers.find((a) => a.status === 409)!;
  expect(refused.body.errors).toEqual([{ path: 'startAt', message: 'overlaps a confirmed booking of this calendar' }]);
  const list = await call(
    'GET',
    `/api/bookings?from=${slot.toISOString()}&to=${new Date(slot.getTime() + MINUTE).toISOString()}`,
  );
  expect(list.body.items).toHaveLength(1);
});

it('moves a booking: the event follows, the client hears the new time, the old slot is free', async () => {
  const first = DateTime.now().plus({ days: 4 }).startOf('hour');
  const made = (await book(first.toJSDate(), { channels: ['email'] })).body;
  await eventually(
    async () => (await calendarEvents()).some((e) => e.id === made.calendarEventId),
    30_000,
    'the event',
  );
  const to = first.plus({ hours: 2 }).toJSDate().toISOString();
  const moved = await call('POST', `/api/bookings/${made.id}/reschedule`, { startAt: to });
  expect(moved.status).toBe(200);
  expect(moved.body).toMatchObject({ startAt: to, rescheduledAt: expect.any(String) });
  await pollUntil(
    'the event moved',
    calendarEvents,
    (events) => events.some((e) => e.id === made.calendarEventId && Date.parse(e.start.dateTime) === Date.parse(to)),
    30_000,
  );
  const notice = await eventually(
    async () => (await mailTo(client.email)).find((m) => m.subject.startsWith('Moved:')),
    30_000,
    'the notice',
  );
  expect(notice.subject).toBe(`Moved: Gel manicure at Juniper Nails, now ${shortTime(to)}`);
  // The old time is free again: another booking takes it.
  expect((await book(first.toJSDate(), { channels: [] })).status).toBe(201);
  // And the new one is not.
  expect(
    (await call('POST', `/api/bookings/${made.id}/reschedule`, { startAt: first.toJSDate().toISOString() })).status,
  ).toBe(409);
});

it('lists by range, client and status, page by page', async () => {
  const day = DateTime.now().plus({ days: 6 }).startOf('hour');
  const other = (await call('POST', '/api/clients', { name: 'Other Client', email: 'other@client.example' })).body;
  for (const [hours, clientId] of [
    [0, client.id],
    [1, other.id],
    [2, client.id],
  ] as const) {
    expect(
      (
        await call('POST', '/api/bookings', {
          clientId,
          serviceId,
          startAt: day.plus({ hours }).toJSDate().toISOString(),
          channels: [],
        })
      ).status,
    ).toBe(201);
  }
  const range = `from=${day.toJSDate().toISOString()}&to=${day.plus({ hours: 3 }).toJSDate().toISOString()}`;
  const pages: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = (await call('GET', `/api/bookings?${range}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).body;
    pages.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  expect(pages.map((b) => b.startAt)).toEqual([0, 1, 2].map((h) => day.plus({ hours: h }).toJSDate().toISOString()));
  expect((await call('GET', `/api/bookings?${range}&clientId=${other.id}`)).body.items).toHaveLength(1);
  expect((await call('GET', `/api/bookings?${range}&status=cancelled`)).body.items).toEqual([]);
});

it('refuses a time in the past, outside business hours, an archived service, a no-show before the start', async () => {
  const past = await book(new Date(Date.now() - MINUTE));
  expect(past.status).toBe(422);
  expect(past.body.errors).toEqual([{ path: 'startAt', message: 'must be in the future' }]);

  // Default hours (weekdays 09:00-17:00 UTC) in a business of its own: a Saturday is closed.
  const weekdays = await registerTenant(e2e.server, { businessName: 'Weekday Clinic' });
  const theirService = (
    await call('POST', '/api/services', { name: 'Check-up', durationMinutes: 30 }, weekdays.accessToken)
  ).body.id;
  const theirClient = (
    await call('POST', '/api/clients', { name: 'Pat', email: 'pat@client.example' }, weekdays.accessToken)
  ).body.id;
  const saturday = await call(
    'POST',
    '/api/bookings',
    { clientId: theirClient, serviceId: theirService, startAt: '2030-01-19T10:00:00.000Z' },
    weekdays.accessToken,
  );
  expect(saturday.status).toBe(422);
  expect(saturday.body.errors[0]).toMatchObject({
    path: 'startAt',
    message: expect.stringMatching(/^is outside business hours/),
  });
  // 16:45 + 30 minutes runs past 17:00.
  expect(
    (
      await call(
        'POST',
        '/api/bookings',
        { clientId: theirClient, serviceId: theirService, startAt: '2030-01-18T16:45:00.000Z' },
        weekdays.accessToken,
      )
    ).status,
  ).toBe(422);
  const friday = await call(
    'POST',
    '/api/bookings',
    { clientId: theirClient, serviceId: theirService, startAt: '2030-01-18T16:30:00.000Z', channels: [] },
    weekdays.accessToken,
  );
  expect(friday.status).toBe(201);
  // Not theirs to see from here, nor ours to book with their client.
  expect((await call('GET', `/api/bookings/${friday.body.id}`)).status).toBe(404);
  expect((await book(new Date(Date.now() + 24 * 60 * MINUTE), { clientId: theirClient })).body.errors[0].path).toBe(
    'clientId',
  );
  expect((await call('POST', `/api/bookings/${friday.body.id}/no-show`, undefined, weekdays.accessToken)).status).toBe(
    409,
  );

  await call('DELETE', `/api/services/${theirService}`, undefined, weekdays.accessToken);
  const archived = await call(
    'POST',
    '/api/bookings',
    { clientId: theirClient, serviceId: theirService, startAt: '2030-01-21T10:00:00.000Z' },
    weekdays.accessToken,
  );
  expect(archived.body.errors).toEqual([{ path: 'serviceId', message: 'is archived: it can no longer be booked' }]);
});
