// The booking workflow on the time-skipping server, with the real activities against the real
// database and only the provider calls faked (narrow interfaces): weeks of waiting run in seconds,
// and every send is timed by the server's (skipped) clock. What is checked is what the client
// receives: which messages, about which time, at which instant, and that a cancel or a move at
// any moment leaves nothing sent about a time that no longer holds.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DatabasePool } from 'slonik';
import { createBookingActivities, type BookingCalendar } from '../../src/activities/bookings';
import { createEmailDeliveryActivities, type OutgoingMailbox } from '../../src/activities/email-delivery';
import { emailGuardHolds } from '../../src/activities/email-guards';
import type { ReminderSms } from '../../src/activities/payment-reminders';
import { updateBookingSettings } from '../../src/db/booking-settings';
import { listBookingMessages } from '../../src/db/booking-reminders';
import { BOOKING_CALENDAR_ID, cancelBooking, insertBooking, rescheduleBooking } from '../../src/db/bookings';
import { insertClient } from '../../src/db/clients';
import { insertService } from '../../src/db/services';
import { withTenant, tenantTransactions } from '../../src/db/tenant-transaction';
import { updateTenant } from '../../src/db/tenants';
import { bookingReminderInstant } from '../../src/domain/booking-reminders';
import { calendarEventIdForBooking, type BookingChannel } from '../../src/domain/bookings';
import { DEFAULT_EMAIL_RETRY } from '../../src/domain/email';
import { bookingBlock } from '../../src/domain/services';
import { bookingWorkflowId } from '../../src/domain/workflow-ids';
import type { CalendarEvent } from '../../src/providers/google/calendar';
import { createLogger } from '../../src/observability/logger';
import { booking } from '../../src/workflows/booking';
import {
  bookingStatusQuery,
  cancelSignal,
  rescheduleSignal,
  type BookingInput,
} from '../../src/workflows/booking.contract';
import { createAppPool, createTenant } from '../helpers/db';
import { recordHistory } from '../helpers/history-fixtures';
import { createTestWorker, createTimeSkippingEnv } from '../helpers/temporal';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const logger = createLogger({ name: 'test', level: 'silent', pretty: false });

let env: TestWorkflowEnvironment;
let pool: DatabasePool;
let tenantId: string;
let serviceId: string;

interface Sent {
  channel: 'email' | 'sms';
  at: string;
  subject: string;
}

interface CalendarCall {
  op: 'insert' | 'update' | 'delete';
  eventId: string;
  start?: string;
}

type Activities = ReturnType<typeof createBookingActivities>;

/** A worker with the real activities, whose provider calls land in `sent` and `calendarCalls`. */
async function startWorker(options: {
  taskQueue: string;
  sent: Sent[];
  calendarCalls: CalendarCall[];
  /** Wraps an activity: runs around the real one (a cancel "landing" mid-activity). */
  around?: Partial<{
    [K in keyof Activities]: (input: Parameters<Activities[K]>[0], real: Activities[K]) => ReturnType<Activities[K]>;
  }>;
}) {
  const now = async () => new Date(await env.currentTimeMs()).toISOString();
  const mailbox: OutgoingMailbox = {
    address: 'frontdesk@nails.example',
    gmail: {
      send: async (email) => {
        options.sent.push({ channel: 'email', at: await now(), subject: email.subject });
        return { id: `gm-${randomUUID()}`, threadId: `th-${randomUUID()}`, labelIds: ['SENT'] };
      },
      findByMessageId: async () => null,
    },
  };
  const sms: ReminderSms = {
    send: async (input) => {
      options.sent.push({ channel: 'sms', at: await now(), subject: input.body });
      return { sid: `SM${randomUUID().replace(/-/g, '')}`, status: 'queued', to: input.to, from: '+15005550006' };
    },
    findSent: async () => null,
  };
  const event = (id: string, start: Date, end: Date): CalendarEvent => ({
    id,
    status: 'confirmed',
    summary: '',
    description: null,
    location: null,
    start,
    end,
    allDay: false,
    transparent: false,
    htmlLink: null,
    attendees: [],
    privateProperties: {},
    updated: null,
  });
  const calendar: BookingCalendar = {
    insertEvent: async (_calendarId, input) => {
      options.calendarCalls.push({ op: 'insert', eventId: input.id, start: input.start.toISOString() });
      return { event: event(input.id, input.start, input.end), created: true };
    },
    updateEvent: async (_calendarId, eventId, changes) => {
      options.calendarCalls.push({ op: 'update', eventId, start: changes.start?.toISOString() });
      return event(eventId, changes.start ?? new Date(), changes.end ?? new Date());
    },
    deleteEvent: async (_calendarId, eventId) => {
      options.calendarCalls.push({ op: 'delete', eventId });
      return { deleted: true };
    },
  };
  const real = createBookingActivities({
    tx: tenantTransactions(pool),
    logger,
    publicBaseUrl: 'http://localhost:3000',
    linkSecret: 'a test secret for booking links, long enough',
    calendarFor: async () => calendar,
    sms: () => sms,
  });
  const wrapped: Record<string, unknown> = { ...real };
  for (const [name, wrap] of Object.entries(options.around ?? {})) {
    const activity = real[name as keyof Activities] as (input: unknown) => Promise<unknown>;
    wrapped[name] = (input: unknown) => (wrap as (i: unknown, r: unknown) => Promise<unknown>)(input, activity);
  }
  const activities = {
    ...createEmailDeliveryActivities({
      tx: tenantTransactions(pool),
      logger,
      mailboxFor: async () => mailbox,
      guardHolds: emailGuardHolds,
      onReauthRequired: async () => undefined,
    }),
    ...wrapped,
  };
  return createTestWorker({
    connection: env.nativeConnection,
    taskQueue: options.taskQueue,
    workflowsPath: require.resolve('../../src/workflows'),
    activities,
  });
}

/** A confirmed booking of the 60-minute service at `startAt`, and the workflow's input. */
async function createBooking(startAt: string, channels: BookingChannel[] = ['email', 'sms']) {
  return withTenant(pool, tenantId, async (db) => {
    const client = await insertClient(db, tenantId, {
      name: 'Rosa Client',
      email: `rosa-${randomUUID()}@client.example`,
      phone: '+14155550199',
      timezone: null,
      notes: null,
      smsConsent: { granted: true, source: 'test' },
    });
    const id = randomUUID();
    const row = await insertBooking(db, {
      id,
      tenantId,
      clientId: client.id,
      serviceId,
      calendarId: BOOKING_CALENDAR_ID,
      ...bookingBlock(new Date(startAt), { durationMinutes: 60, bufferMinutes: 0 }),
      notes: null,
      channels,
      calendarEventId: calendarEventIdForBooking(id),
      workflowId: bookingWorkflowId(tenantId, id),
    });
    const input: BookingInput = { tenantId, bookingId: id, clientId: client.id, emailRetry: DEFAULT_EMAIL_RETRY };
    return { row, input };
  });
}

const iso = (ms: number) => new Date(ms).toISOString();
/** The email reminder's instant: the same wall-clock time the calendar day before, in New York. */
const dayBefore = (ms: number) =>
  new Date(bookingReminderInstant(new Date(ms), 1440, 'America/New_York').toMillis()).toISOString();
const kinds = (sent: Sent[]) => sent.map((s) => `${s.channel} ${s.subject.split(':')[0]}`);

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  pool = await createAppPool();
  tenantId = await createTenant(pool, 'Juniper Nails');
  await withTenant(pool, tenantId, async (db) => {
    await updateTenant(db, tenantId, { timezone: 'America/New_York' });
    // Open every day from 08:00 to 20:00; reminders as by default: email a day before, SMS two hours before.
    const day = [{ open: '08:00', close: '20:00' }];
    await updateBookingSettings(db, tenantId, {
      hours: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day },
      reminders: null,
    });
    serviceId = (
      await insertService(db, tenantId, {
        name: 'Gel manicure',
        description: null,
        durationMinutes: 60,
        bufferMinutes: 0,
        priceCents: 3500,
        currency: 'usd',
      })
    ).id;
  });
});

afterAll(async () => {
  await env?.teardown();
  await pool?.end();
});

it('confirms at once, then reminds a calendar day before and two hours before, across a DST change', async () => {
  const sent: Sent[] = [];
  const calendarCalls: CalendarCall[] = [];
  const taskQueue = `booking-${randomUUID()}`;
  const worker = await startWorker({ taskQueue, sent, calendarCalls });
  // New York springs forward at 02:00 on Sunday 2027-03-14. The appointment is at 10:00 EDT that
  // Sunday (14:00Z); "a day before" is 10:00 EST on the Saturday (15:00Z), 23 real hours earlier.
  const { row, input } = await createBooking('2027-03-14T14:00:00.000Z');
  const bookedAt = await env.currentTimeMs();

  const result = await worker.runUntil(
    env.client.workflow.execute(booking, { workflowId: row.workflowId, taskQueue, args: [input] }),
  );
  await recordHistory('booking--dst-reminders', env.client.workflow.getHandle(row.workflowId));

  expect(kinds(sent)).toEqual(['email Booked', 'sms Juniper Nails', 'email Reminder', 'sms Juniper Nails']);
  expect(Date.parse(sent[0]!.at) - bookedAt).toBeLessThan(60_000);
  expect(sent[0]!.subject).toBe('Booked: Gel manicure at Juniper Nails, Sun 14 Mar, 10:00');
  expect(sent[1]!.subject).toContain('booked Sun 14 Mar, 10:00');
  expect(sent[2]!.at.slice(0, 16)).toBe('2027-03-13T15:00');
  expect(sent[3]!.at.slice(0, 16)).toBe('2027-03-14T12:00');
  expect(sent[3]!.subject).toContain('reminder Sun 14 Mar, 10:00');
  expect(calendarCalls).toEqual([{ op: 'insert', eventId: row.calendarEventId, start: '2027-03-14T14:00:00.000Z' }]);
  // The run stays until the appointment is over, then leaves it to the front desk.
  expect(result).toMatchObject({
    state: 'past',
    calendar: { state: 'created', eventId: row.calendarEventId },
    nextReminderAt: null,
  });
  const stored = await withTenant(pool, tenantId, (db) => listBookingMessages(db, row.id));
  expect(stored.map((m) => [m.kind, m.channel, m.status])).toEqual([
    ['confirmation', 'email', 'sent'],
    ['confirmation', 'sms', 'sent'],
    ['reminder', 'email', 'sent'],
    ['reminder', 'sms', 'sent'],
  ]);
});

it('cancelled while it waits: the event is deleted and nothing more is sent', async () => {
  const sent: Sent[] = [];
  const calendarCalls: CalendarCall[] = [];
  const taskQueue = `booking-${randomUUID()}`;
  const worker = await startWorker({ taskQueue, sent, calendarCalls });
  const start = await env.currentTimeMs();
  const { row, input } = await createBooking(iso(Math.ceil((start + 5 * DAY) / HOUR) * HOUR), ['email']);

  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(booking, { workflowId: row.workflowId, taskQueue, args: [input] });
    await env.sleep(DAY);
    const waiting = await handle.query(bookingStatusQuery);
    expect(waiting).toMatchObject({ state: 'active', nextReminderAt: dayBefore(row.startAt.getTime()) });
    await withTenant(pool, tenantId, (db) => cancelBooking(db, row.id, { by: 'staff' }));
    await handle.signal(cancelSignal, { by: 'staff' });
    const result = await handle.result();
    expect(result).toMatchObject({ state: 'cancelled', calendar: { state: 'deleted' }, nextReminderAt: null });
    await recordHistory('booking--cancelled-waiting', handle);
  });
  await env.sleep(10 * DAY);
  expect(kinds(sent)).toEqual(['email Booked']);
  expect(calendarCalls.map((c) => c.op)).toEqual(['insert', 'delete']);
});

it('cancelled while the reminder email is being prepared: it is not sent', async () => {
  const sent: Sent[] = [];
  const taskQueue = `booking-${randomUUID()}`;
  let workflowId = '';
  const worker = await startWorker({
    taskQueue,
    sent,
    calendarCalls: [],
    around: {
      prepareBookingEmail: async (input, real) => {
        const prepared = await real(input);
        if (input.kind === 'reminder') {
          await withTenant(pool, tenantId, (db) => cancelBooking(db, input.bookingId, { by: 'client' }));
          await env.client.workflow.getHandle(workflowId).signal(cancelSignal, { by: 'client' });
        }
        return prepared;
      },
    },
  });
  const start = await env.currentTimeMs();
  const { row, input } = await createBooking(iso(Math.ceil((start + 3 * DAY) / HOUR) * HOUR), ['email']);
  workflowId = row.workflowId;

  const result = await worker.runUntil(env.client.workflow.execute(booking, { workflowId, taskQueue, args: [input] }));

  expect(kinds(sent)).toEqual(['email Booked']);
  expect(result.state).toBe('cancelled');
  expect(result.sent.map((s) => [s.kind, s.status])).toEqual([
    ['confirmation', 'sent'],
    ['reminder', 'cancelled'],
  ]);
});

it('cancelled while the reminder text is being sent: the re-check before the send stops it', async () => {
  const sent: Sent[] = [];
  const taskQueue = `booking-${randomUUID()}`;
  let workflowId = '';
  const worker = await startWorker({
    taskQueue,
    sent,
    calendarCalls: [],
    around: {
      sendBookingSms: async (input, real) => {
        if (input.kind === 'reminder') {
          // The cancel lands after the activity started, before its last look at the booking.
          await withTenant(pool, tenantId, (db) => cancelBooking(db, input.bookingId, { by: 'staff' }));
          await env.client.workflow.getHandle(workflowId).signal(cancelSignal, { by: 'staff' });
        }
        return real(input);
      },
    },
  });
  const start = await env.currentTimeMs();
  const { row, input } = await createBooking(iso(Math.ceil((start + 2 * DAY) / HOUR) * HOUR), ['sms']);
  workflowId = row.workflowId;

  const result = await worker.runUntil(env.client.workflow.execute(booking, { workflowId, taskQueue, args: [input] }));

  expect(sent.map((s) => s.subject)).toEqual([expect.stringContaining('booked')]);
  expect(result.sent.map((s) => [s.kind, s.status])).toEqual([
    ['confirmation', 'sent'],
    ['reminder', 'cancelled'],
  ]);
});

it('moved: the event follows, the client hears the new time, and reminders go only for it', async () => {
  const sent: Sent[] = [];
  const calendarCalls: CalendarCall[] = [];
  const taskQueue = `booking-${randomUUID()}`;
  const worker = await startWorker({ taskQueue, sent, calendarCalls });
  const start = await env.currentTimeMs();
  const first = Math.ceil((start + 3 * DAY) / HOUR) * HOUR;
  const { row, input } = await createBooking(iso(first), ['email']);
  const moved = first + 4 * DAY + 2 * HOUR;

  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(booking, { workflowId: row.workflowId, taskQueue, args: [input] });
    await env.sleep(HOUR);
    await withTenant(pool, tenantId, (db) =>
      rescheduleBooking(db, row.id, bookingBlock(new Date(moved), { durationMinutes: 60, bufferMinutes: 0 })),
    );
    await handle.signal(rescheduleSignal, { startAt: iso(moved) });
    const result = await handle.result();
    expect(result).toMatchObject({ state: 'past', startAt: iso(moved), calendar: { state: 'moved' } });
    await recordHistory('booking--rescheduled', handle);
  });

  expect(kinds(sent)).toEqual(['email Booked', 'email Moved', 'email Reminder']);
  // The old time's reminder (a day before it) never went; the new one's did, on time.
  expect(sent[2]!.at.slice(0, 16)).toBe(dayBefore(moved).slice(0, 16));
  expect(calendarCalls).toEqual([
    { op: 'insert', eventId: row.calendarEventId, start: iso(first) },
    { op: 'update', eventId: row.calendarEventId, start: iso(moved) },
  ]);
});
