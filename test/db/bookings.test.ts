// Services, booking settings and bookings, as the app role under RLS against the real Postgres:
// the exclusion constraint that makes overlapping confirmed bookings impossible (two racing
// transactions on two connections: one wins, the other gets the typed conflict), buffers,
// cancellations that free the slot, and every status transition.
import { randomUUID } from 'node:crypto';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { findBookingSettings, updateBookingSettings } from '../../src/db/booking-settings';
import {
  blockedIntervals,
  type Booking,
  BookingOverlapError,
  cancelBooking,
  completeBooking,
  findBooking,
  findBookingByCalendarEvent,
  insertBooking,
  listBookings,
  markNoShow,
  type NewBooking,
  rescheduleBooking,
} from '../../src/db/bookings';
import { insertClient } from '../../src/db/clients';
import {
  archiveService,
  findService,
  insertService,
  listServices,
  ServiceNameTakenError,
  updateService,
} from '../../src/db/services';
import { sql } from '../../src/db/sql';
import { withTenant } from '../../src/db/tenant-transaction';
import { DEFAULT_BOOKING_REMINDERS } from '../../src/domain/booking-reminders';
import { calendarEventIdForBooking } from '../../src/domain/bookings';
import { DEFAULT_BUSINESS_HOURS } from '../../src/domain/business-hours';
import { bookingBlock } from '../../src/domain/services';
import { createAppPool, createTenant } from '../helpers/db';
import { eventually } from '../helpers/sandbox';

let pool: DatabasePool;
let tenant: string;
let clientId: string;
let cut: string; // 60 minutes, no buffer
let colour: string; // 60 minutes + 15 buffer

const CALENDAR = 'front@salon.example';

beforeAll(async () => {
  pool = await createAppPool();
  tenant = await createTenant(pool, 'Booking salon');
  await withTenant(pool, tenant, async (db) => {
    clientId = (
      await insertClient(db, tenant, {
        name: 'Dana',
        email: 'dana@example.com',
        phone: null,
        timezone: null,
        notes: null,
        smsConsent: null,
      })
    ).id;
    cut = (
      await insertService(db, tenant, {
        name: 'Cut',
        description: null,
        durationMinutes: 60,
        bufferMinutes: 0,
        priceCents: 4500,
        currency: 'usd',
      })
    ).id;
    colour = (
      await insertService(db, tenant, {
        name: 'Colour',
        description: 'Full colour',
        durationMinutes: 60,
        bufferMinutes: 15,
        priceCents: null,
        currency: 'eur',
      })
    ).id;
  });
});
afterAll(() => pool.end());

/** A booking of `serviceId` at `start` (ISO), timed as the service says. */
function booking(start: string, serviceId = cut, over: Partial<NewBooking> = {}): NewBooking {
  const id = randomUUID();
  const timing =
    serviceId === colour ? { durationMinutes: 60, bufferMinutes: 15 } : { durationMinutes: 60, bufferMinutes: 0 };
  return {
    id,
    tenantId: tenant,
    clientId,
    serviceId,
    calendarId: CALENDAR,
    ...bookingBlock(new Date(start), timing),
    notes: null,
    channels: ['email', 'sms'],
    calendarEventId: calendarEventIdForBooking(id),
    workflowId: `booking:${tenant}:${id}`,
    ...over,
  };
}

const book = (b: NewBooking) => withTenant(pool, b.tenantId, (db) => insertBooking(db, b));

async function outcome(promise: Promise<unknown>): Promise<'ok' | 'overlap'> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    if (err instanceof BookingOverlapError) return 'overlap';
    throw err;
  }
}

describe('the no-overlap constraint', () => {
  it('btree_gist is installed (the migration created it as the database owner)', async () => {
    const installed = await pool.maybeOneFirst(
      sql.type(z.object({ extname: z.string() }))`SELECT extname FROM pg_extension WHERE extname = 'btree_gist'`,
    );
    expect(installed).toBe('btree_gist');
  });

  it('refuses a confirmed booking that overlaps another of the same calendar, with the typed conflict', async () => {
    const first = await book(booking('2027-01-04T10:00:00Z'));
    expect(first).toMatchObject({
      status: 'confirmed',
      startAt: new Date('2027-01-04T10:00:00Z'),
      endAt: new Date('2027-01-04T11:00:00Z'),
      channels: ['email', 'sms'],
    });
    const err = await book(booking('2027-01-04T10:30:00Z')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BookingOverlapError);
    expect(err).toMatchObject({ status: 409, errors: [{ path: 'startAt', message: expect.any(String) }] });
  });

  it('fits adjacent bookings (one ends as the next starts)', async () => {
    await book(booking('2027-01-05T10:00:00Z'));
    expect(await outcome(book(booking('2027-01-05T11:00:00Z')))).toBe('ok');
    expect(await outcome(book(booking('2027-01-05T09:00:00Z')))).toBe('ok');
  });

  it('keeps the buffer free: the next booking may start when the buffer ends, not before', async () => {
    await book(booking('2027-01-06T10:00:00Z', colour)); // blocked until 11:15
    expect(await outcome(book(booking('2027-01-06T11:00:00Z')))).toBe('overlap');
    expect(await outcome(book(booking('2027-01-06T11:14:00Z')))).toBe('overlap');
    expect(await outcome(book(booking('2027-01-06T11:15:00Z')))).toBe('ok');
    // A booking whose own buffer would run into the next one is refused too.
    expect(await outcome(book(booking('2027-01-06T09:00:00Z', colour)))).toBe('overlap');
  });

  it('frees the slot once a booking is cancelled; completed and no-show bookings do not block either', async () => {
    const first = await book(booking('2027-01-07T10:00:00Z'));
    expect(await outcome(book(booking('2027-01-07T10:00:00Z')))).toBe('overlap');
    await withTenant(pool, tenant, (db) => cancelBooking(db, first.id, { by: 'client', reason: 'ill' }));
    const second = await book(booking('2027-01-07T10:00:00Z'));
    await withTenant(pool, tenant, (db) => completeBooking(db, second.id));
    const third = await book(booking('2027-01-07T10:00:00Z'));
    await withTenant(pool, tenant, (db) => markNoShow(db, third.id));
    expect(await outcome(book(booking('2027-01-07T10:00:00Z')))).toBe('ok');
  });

  it('another calendar, or another business with the same calendar id, is not a conflict', async () => {
    await book(booking('2027-01-08T10:00:00Z'));
    expect(await outcome(book(booking('2027-01-08T10:00:00Z', cut, { calendarId: 'second@salon.example' })))).toBe(
      'ok',
    );
    const other = await createTenant(pool, 'Other salon');
    const { client, service } = await withTenant(pool, other, async (db) => ({
      client: await insertClient(db, other, {
        name: 'Eve',
        email: null,
        phone: null,
        timezone: null,
        notes: null,
        smsConsent: null,
      }),
      service: await insertService(db, other, {
        name: 'Cut',
        description: null,
        durationMinutes: 60,
        bufferMinutes: 0,
        priceCents: null,
        currency: 'usd',
      }),
    }));
    expect(
      await outcome(
        book(booking('2027-01-08T10:00:00Z', cut, { tenantId: other, clientId: client.id, serviceId: service.id })),
      ),
    ).toBe('ok');
  });

  it('two transactions racing for one slot on two connections: exactly one wins', async () => {
    for (const start of [
      '2027-02-01T09:00:00Z',
      '2027-02-01T11:00:00Z',
      '2027-02-01T13:00:00Z',
      '2027-02-01T15:00:00Z',
    ]) {
      const results = await Promise.allSettled([
        book(booking(start)),
        book(booking(new Date(Date.parse(start) + 30 * 60_000).toISOString())),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(rejected[0]!.reason).toBeInstanceOf(BookingOverlapError);
    }
  });

  it('the loser of a race waits for the winner to commit, then gets the conflict', async () => {
    let firstInserted!: () => void;
    let releaseFirst!: () => void;
    const inserted = new Promise<void>((resolve) => (firstInserted = resolve));
    const release = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = withTenant(pool, tenant, async (db) => {
      const row = await insertBooking(db, booking('2027-02-02T10:00:00Z'));
      firstInserted();
      await release; // holds the transaction open, uncommitted
      return row;
    });
    await inserted;

    let secondPid: number | undefined;
    const second = withTenant(pool, tenant, async (db) => {
      secondPid = await db.oneFirst(sql.type(z.object({ pid: z.number() }))`SELECT pg_backend_pid() AS pid`);
      return insertBooking(db, booking('2027-02-02T10:15:00Z'));
    });
    const secondOutcome = outcome(second);
    // The second insert cannot decide while the first may still commit or roll back: it waits on a lock.
    await eventually(async () => {
      if (secondPid === undefined) return undefined;
      const waiting = await pool.maybeOneFirst(sql.type(z.object({ waiting: z.boolean() }))`
        SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = ${secondPid}`);
      return waiting ? true : undefined;
    });
    releaseFirst();
    expect((await first).status).toBe('confirmed');
    expect(await secondOutcome).toBe('overlap');
  });

  it('a rolled-back winner leaves the slot to the one that waited', async () => {
    let firstInserted!: () => void;
    let rollBack!: () => void;
    const inserted = new Promise<void>((resolve) => (firstInserted = resolve));
    const abort = new Promise<void>((resolve) => (rollBack = resolve));
    const first = withTenant(pool, tenant, async (db) => {
      await insertBooking(db, booking('2027-02-03T10:00:00Z'));
      firstInserted();
      await abort;
      throw new Error('the request failed after the insert');
    });
    await inserted;
    let secondPid: number | undefined;
    const second = withTenant(pool, tenant, async (db) => {
      secondPid = await db.oneFirst(sql.type(z.object({ pid: z.number() }))`SELECT pg_backend_pid() AS pid`);
      return insertBooking(db, booking('2027-02-03T10:00:00Z'));
    });
    await eventually(async () => {
      if (secondPid === undefined) return undefined;
      const waiting = await pool.maybeOneFirst(sql.type(z.object({ waiting: z.boolean() }))`
        SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = ${secondPid}`);
      return waiting ? true : undefined;
    });
    rollBack();
    await expect(first).rejects.toThrow('the request failed after the insert');
    expect((await second).status).toBe('confirmed');
  });
});

describe('booking transitions', () => {
  let moved: Booking;

  it('reschedules a confirmed booking, over its own old time too; into another booking is the conflict', async () => {
    const b = await book(booking('2027-03-01T10:00:00Z'));
    await book(booking('2027-03-01T12:00:00Z'));
    moved = (await withTenant(pool, tenant, (db) =>
      rescheduleBooking(
        db,
        b.id,
        bookingBlock(new Date('2027-03-01T10:30:00Z'), { durationMinutes: 60, bufferMinutes: 0 }),
      ),
    ))!;
    expect(moved).toMatchObject({
      startAt: new Date('2027-03-01T10:30:00Z'),
      endAt: new Date('2027-03-01T11:30:00Z'),
      rescheduledAt: expect.any(Date),
    });
    const into = withTenant(pool, tenant, (db) =>
      rescheduleBooking(
        db,
        b.id,
        bookingBlock(new Date('2027-03-01T11:30:00Z'), { durationMinutes: 60, bufferMinutes: 0 }),
      ),
    );
    await expect(into).rejects.toBeInstanceOf(BookingOverlapError);
    expect((await withTenant(pool, tenant, (db) => findBooking(db, b.id)))!.startAt).toEqual(
      new Date('2027-03-01T10:30:00Z'),
    );
  });

  it('moves only forward from confirmed, recording who cancelled and why', async () => {
    const cancelled = await withTenant(pool, tenant, (db) =>
      cancelBooking(db, moved.id, { by: 'calendar', reason: 'deleted in Google Calendar' }),
    );
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      cancelledBy: 'calendar',
      cancellationReason: 'deleted in Google Calendar',
      cancelledAt: expect.any(Date),
    });
    await withTenant(pool, tenant, async (db) => {
      expect(await cancelBooking(db, moved.id, { by: 'staff' })).toBeNull();
      expect(await completeBooking(db, moved.id)).toBeNull();
      expect(await markNoShow(db, moved.id)).toBeNull();
      expect(
        await rescheduleBooking(
          db,
          moved.id,
          bookingBlock(new Date('2027-03-02T10:00:00Z'), { durationMinutes: 60, bufferMinutes: 0 }),
        ),
      ).toBeNull();
    });
  });

  it('completes a booking with its invoice, and finds a booking by its Calendar event', async () => {
    const b = await book(booking('2027-03-03T10:00:00Z'));
    const invoiceId = randomUUID();
    await withTenant(pool, tenant, (db) =>
      db.query(sql.unsafe`
        INSERT INTO invoices (id, tenant_id, client_id, amount_cents, currency, due_date, description, channels, schedule_days, workflow_id)
        VALUES (${invoiceId}, ${tenant}, ${clientId}, 4500, 'usd', '2027-03-10', 'Cut', '{email}', '{0}', ${`invoice:${tenant}:${invoiceId}`})`),
    );
    expect(await withTenant(pool, tenant, (db) => completeBooking(db, b.id, { invoiceId }))).toMatchObject({
      status: 'completed',
      invoiceId,
      completedAt: expect.any(Date),
    });
    expect(
      await withTenant(pool, tenant, (db) => findBookingByCalendarEvent(db, CALENDAR, calendarEventIdForBooking(b.id))),
    ).toMatchObject({ id: b.id });
    expect(
      await withTenant(pool, tenant, (db) =>
        findBookingByCalendarEvent(db, 'second@salon.example', calendarEventIdForBooking(b.id)),
      ),
    ).toBeNull();
  });

  it('lists by start within a range, by client and status, a page at a time', async () => {
    const range = { from: new Date('2027-01-01T00:00:00Z'), to: new Date('2027-01-06T00:00:00Z') };
    const all = await withTenant(pool, tenant, (db) => listBookings(db, { ...range, limit: 100 }));
    expect(all.map((b) => b.startAt.toISOString())).toEqual([
      '2027-01-04T10:00:00.000Z',
      '2027-01-05T09:00:00.000Z',
      '2027-01-05T10:00:00.000Z',
      '2027-01-05T11:00:00.000Z',
    ]);
    const firstPage = await withTenant(pool, tenant, (db) => listBookings(db, { ...range, limit: 2 }));
    const secondPage = await withTenant(pool, tenant, (db) =>
      listBookings(db, { ...range, limit: 2, after: { startAt: firstPage[1]!.startAt, id: firstPage[1]!.id } }),
    );
    expect([...firstPage, ...secondPage].map((b) => b.id)).toEqual(all.map((b) => b.id));
    const cancelled = await withTenant(pool, tenant, (db) =>
      listBookings(db, { status: 'cancelled', clientId, limit: 100 }),
    );
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled.every((b) => b.status === 'cancelled')).toBe(true);
    expect(await withTenant(pool, tenant, (db) => listBookings(db, { clientId: randomUUID(), limit: 10 }))).toEqual([]);
  });

  it('reports the time confirmed bookings block, buffers included, one left out on request', async () => {
    const a = await book(booking('2027-04-01T09:00:00Z', colour));
    const b = await book(booking('2027-04-01T13:00:00Z'));
    await withTenant(pool, tenant, (db) => cancelBooking(db, b.id, { by: 'staff' }));
    const day = { calendarId: CALENDAR, from: new Date('2027-04-01T00:00:00Z'), to: new Date('2027-04-02T00:00:00Z') };
    expect(await withTenant(pool, tenant, (db) => blockedIntervals(db, day))).toEqual([
      { start: new Date('2027-04-01T09:00:00Z'), end: new Date('2027-04-01T10:15:00Z') },
    ]);
    expect(await withTenant(pool, tenant, (db) => blockedIntervals(db, { ...day, excludeBookingId: a.id }))).toEqual(
      [],
    );
    // A buffer that reaches into the window counts, even when the booking starts before it.
    expect(
      await withTenant(pool, tenant, (db) => blockedIntervals(db, { ...day, from: new Date('2027-04-01T10:10:00Z') })),
    ).toHaveLength(1);
  });

  it('refuses a booking that ends before it starts, or of another tenant client (database checks)', async () => {
    const backwards = booking('2027-05-01T10:00:00Z', cut, {
      endAt: new Date('2027-05-01T09:00:00Z'),
      blockedUntil: new Date('2027-05-01T09:00:00Z'),
    });
    await expect(book(backwards)).rejects.toThrow(/check/i);
    await expect(book(booking('2027-05-01T10:00:00Z', cut, { clientId: randomUUID() }))).rejects.toThrow(
      /foreign key/i,
    );
  });
});

describe('services', () => {
  it('lists active services by name; a name is taken until its service is archived', async () => {
    expect((await withTenant(pool, tenant, (db) => listServices(db))).map((s) => s.name)).toEqual(['Colour', 'Cut']);
    await expect(
      withTenant(pool, tenant, (db) =>
        insertService(db, tenant, {
          name: 'cut',
          description: null,
          durationMinutes: 30,
          bufferMinutes: 0,
          priceCents: null,
          currency: 'usd',
        }),
      ),
    ).rejects.toBeInstanceOf(ServiceNameTakenError);
    const trim = await withTenant(pool, tenant, (db) =>
      insertService(db, tenant, {
        name: 'Trim',
        description: null,
        durationMinutes: 30,
        bufferMinutes: 5,
        priceCents: 2000,
        currency: 'usd',
      }),
    );
    const updated = await withTenant(pool, tenant, (db) =>
      updateService(db, trim.id, { priceCents: null, description: 'Tidy up' }),
    );
    expect(updated).toMatchObject({ priceCents: null, description: 'Tidy up', durationMinutes: 30 });
    await expect(
      withTenant(pool, tenant, (db) => updateService(db, trim.id, { name: 'Colour' })),
    ).rejects.toMatchObject({ status: 409, errors: [{ path: 'name' }] });
    await withTenant(pool, tenant, async (db) => {
      expect(await archiveService(db, trim.id)).toMatchObject({ archivedAt: expect.any(Date) });
      expect(await updateService(db, trim.id, { priceCents: 1 })).toBeNull();
      expect((await listServices(db)).map((s) => s.name)).toEqual(['Colour', 'Cut']);
      expect((await listServices(db, { includeArchived: true })).map((s) => s.name)).toEqual(['Colour', 'Cut', 'Trim']);
      expect(await findService(db, trim.id)).toMatchObject({ name: 'Trim' });
    });
    // Its name is free again.
    await withTenant(pool, tenant, (db) =>
      insertService(db, tenant, {
        name: 'Trim',
        description: null,
        durationMinutes: 20,
        bufferMinutes: 0,
        priceCents: null,
        currency: 'usd',
      }),
    );
  });

  it('refuses durations and buffers out of range (database checks)', async () => {
    await expect(
      withTenant(pool, tenant, (db) =>
        insertService(db, tenant, {
          name: 'Instant',
          description: null,
          durationMinutes: 1,
          bufferMinutes: 0,
          priceCents: null,
          currency: 'usd',
        }),
      ),
    ).rejects.toThrow(/check/i);
  });
});

describe('booking settings', () => {
  it('answers the defaults until the business sets its own, and goes back to them on null', async () => {
    const fresh = await withTenant(pool, tenant, (db) => findBookingSettings(db, tenant));
    expect(fresh).toEqual({
      timeZone: 'Europe/London',
      hours: DEFAULT_BUSINESS_HOURS,
      hoursAreDefault: true,
      cancellationWindowHours: 24,
      reminders: DEFAULT_BOOKING_REMINDERS,
      remindersAreDefault: true,
    });
    const saturdays = { ...DEFAULT_BUSINESS_HOURS, sat: [{ open: '10:00', close: '14:00' }] };
    const set = await withTenant(pool, tenant, (db) =>
      updateBookingSettings(db, tenant, {
        hours: saturdays,
        cancellationWindowHours: 48,
        reminders: [{ channel: 'sms', minutesBefore: 60 }],
      }),
    );
    expect(set).toMatchObject({
      hours: saturdays,
      hoursAreDefault: false,
      cancellationWindowHours: 48,
      reminders: [{ channel: 'sms', minutesBefore: 60 }],
      remindersAreDefault: false,
    });
    const partly = await withTenant(pool, tenant, (db) => updateBookingSettings(db, tenant, { reminders: null }));
    expect(partly).toMatchObject({
      hours: saturdays,
      cancellationWindowHours: 48,
      reminders: DEFAULT_BOOKING_REMINDERS,
      remindersAreDefault: true,
    });
    await expect(
      withTenant(pool, tenant, (db) => updateBookingSettings(db, tenant, { cancellationWindowHours: 721 })),
    ).rejects.toThrow(/check/i);
    await withTenant(pool, tenant, (db) =>
      updateBookingSettings(db, tenant, { hours: null, cancellationWindowHours: 24 }),
    );
  });

  it("another business's settings are neither seen nor changed", async () => {
    const other = await createTenant(pool, 'Other salon');
    await withTenant(pool, other, async (db) => {
      expect(await findBookingSettings(db, tenant)).toBeNull();
      expect(await updateBookingSettings(db, tenant, { cancellationWindowHours: 1 })).toBeNull();
    });
    expect((await withTenant(pool, tenant, (db) => findBookingSettings(db, tenant)))!.cancellationWindowHours).toBe(24);
  });
});
