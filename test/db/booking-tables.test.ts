// The booking tables as the app role under RLS: each one hides a business's rows from every other
// business and from a connection with no tenant, and refuses rows written into another business.
// Then what the calendar sync, the reminder log and the self-service links store.
import { randomUUID } from 'node:crypto';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { findLiveBookingLink, insertBookingLink, revokeBookingLinks } from '../../src/db/booking-links';
import { listBookingMessages, recordBookingMessage } from '../../src/db/booking-reminders';
import { insertBooking } from '../../src/db/bookings';
import {
  beginChannel,
  channelTokenHash,
  channelWatched,
  clearSyncToken,
  ensureCalendarSync,
  findCalendarSync,
  forgetPreviousChannel,
  recordSyncError,
  saveSyncToken,
  tenantForCalendarChannel,
  verifyChannel,
} from '../../src/db/calendar-sync';
import { insertClient } from '../../src/db/clients';
import { insertService } from '../../src/db/services';
import { sql } from '../../src/db/sql';
import { withTenant } from '../../src/db/tenant-transaction';
import { calendarEventIdForBooking } from '../../src/domain/bookings';
import { createAppPool, createTenant } from '../helpers/db';

let pool: DatabasePool;
let tenantA: string;
let tenantB: string;
let bookingA: string;
let syncA: string;
const calendarA = `front-${randomUUID().slice(0, 8)}@a.example`;

const idRow = z.object({ id: z.string() });

beforeAll(async () => {
  pool = await createAppPool();
  tenantA = await createTenant(pool, 'Salon A');
  tenantB = await createTenant(pool, 'Clinic B');
  await withTenant(pool, tenantA, async (db) => {
    const client = await insertClient(db, tenantA, {
      name: 'Ada',
      email: null,
      phone: null,
      timezone: null,
      notes: null,
      smsConsent: null,
    });
    const service = await insertService(db, tenantA, {
      name: 'Cut',
      description: null,
      durationMinutes: 30,
      bufferMinutes: 0,
      priceCents: null,
      currency: 'usd',
    });
    bookingA = randomUUID();
    await insertBooking(db, {
      id: bookingA,
      tenantId: tenantA,
      clientId: client.id,
      serviceId: service.id,
      calendarId: calendarA,
      startAt: new Date('2027-06-01T10:00:00Z'),
      endAt: new Date('2027-06-01T10:30:00Z'),
      blockedUntil: new Date('2027-06-01T10:30:00Z'),
      notes: 'first visit',
      channels: ['email'],
      calendarEventId: calendarEventIdForBooking(bookingA),
      workflowId: `booking:${tenantA}:${bookingA}`,
    });
    await recordBookingMessage(db, {
      tenantId: tenantA,
      bookingId: bookingA,
      kind: 'confirmation',
      channel: 'email',
      forStartAt: new Date('2027-06-01T10:00:00Z'),
      status: 'sent',
    });
    syncA = (await ensureCalendarSync(db, tenantA, calendarA)).id;
    await insertBookingLink(db, {
      jti: randomUUID(),
      tenantId: tenantA,
      bookingId: bookingA,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
  });
});
afterAll(() => pool.end());

/** A key that identifies a row of each table, for counting what a transaction sees. */
const TABLES = {
  services: sql.fragment`SELECT id::text AS id FROM services`,
  bookings: sql.fragment`SELECT id::text AS id FROM bookings`,
  booking_reminders: sql.fragment`SELECT id::text AS id FROM booking_reminders`,
  calendar_sync: sql.fragment`SELECT id::text AS id FROM calendar_sync`,
  booking_links: sql.fragment`SELECT jti::text AS id FROM booking_links`,
} as const;

describe('row-level security on the booking tables', () => {
  it.each(Object.keys(TABLES) as (keyof typeof TABLES)[])(
    '%s: the owner business sees its row, another and no business see nothing',
    async (table) => {
      const select = TABLES[table];
      expect(await withTenant(pool, tenantA, (db) => db.any(sql.type(idRow)`${select}`))).toHaveLength(1);
      expect(await withTenant(pool, tenantB, (db) => db.any(sql.type(idRow)`${select}`))).toEqual([]);
      expect(await pool.any(sql.type(idRow)`${select}`)).toEqual([]);
    },
  );

  it.each(Object.keys(TABLES) as (keyof typeof TABLES)[])(
    '%s: another business cannot change or delete the row',
    async (table) => {
      const updated = await withTenant(pool, tenantB, (db) =>
        db.query(sql.unsafe`UPDATE ${sql.identifier([table])} SET tenant_id = tenant_id`),
      );
      expect(updated.rowCount).toBe(0);
      expect(await withTenant(pool, tenantA, (db) => db.any(sql.type(idRow)`${TABLES[table]}`))).toHaveLength(1);
    },
  );

  it("refuses rows written into another business's name", async () => {
    const asB = (statement: ReturnType<typeof sql.unsafe>) => withTenant(pool, tenantB, (db) => db.query(statement));
    await expect(
      asB(sql.unsafe`INSERT INTO services (tenant_id, name, duration_minutes) VALUES (${tenantA}, 'Sneaky', 30)`),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asB(sql.unsafe`INSERT INTO calendar_sync (tenant_id, calendar_id) VALUES (${tenantA}, 'x@y.example')`),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asB(
        sql.unsafe`INSERT INTO booking_links (jti, tenant_id, booking_id, expires_at) VALUES (${randomUUID()}, ${tenantA}, ${bookingA}, now())`,
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asB(sql.unsafe`
        INSERT INTO booking_reminders (tenant_id, booking_id, kind, channel, for_start_at, status)
        VALUES (${tenantA}, ${bookingA}, 'reminder', 'sms', now(), 'sent')`),
    ).rejects.toThrow(/row-level security/);
    // Its own row pointing at A's booking: the composite foreign key does not find it.
    await expect(
      asB(sql.unsafe`
        INSERT INTO booking_reminders (tenant_id, booking_id, kind, channel, for_start_at, status)
        VALUES (${tenantB}, ${bookingA}, 'reminder', 'sms', now(), 'sent')`),
    ).rejects.toThrow(/foreign key/i);
  });

  it('the app role may not delete bookings or services, only change their status', async () => {
    await expect(
      withTenant(pool, tenantA, (db) => db.query(sql.unsafe`DELETE FROM bookings WHERE id = ${bookingA}`)),
    ).rejects.toThrow(/permission denied/);
    await expect(withTenant(pool, tenantA, (db) => db.query(sql.unsafe`DELETE FROM services`))).rejects.toThrow(
      /permission denied/,
    );
  });
});

describe('calendar sync state', () => {
  it('verifies a push by channel id and token, current or previous channel, in constant time', async () => {
    const first = `chan-${randomUUID()}`;
    await withTenant(pool, tenantA, async (db) => {
      await beginChannel(db, syncA, { channelId: first, token: 'token-one' });
      // Verifiable before watch answered: the `sync` notification can arrive first.
      expect(await verifyChannel(db, first, 'token-one')).toMatchObject({ id: syncA, calendarId: calendarA });
      expect(
        await channelWatched(db, syncA, {
          channelId: first,
          resourceId: 'res-1',
          expiresAt: new Date('2027-07-01T00:00:00Z'),
        }),
      ).toBe(true);
    });
    const second = `chan-${randomUUID()}`;
    await withTenant(pool, tenantA, async (db) => {
      const renewed = await beginChannel(db, syncA, { channelId: second, token: 'token-two' });
      expect(renewed).toMatchObject({
        channelId: second,
        resourceId: null,
        previousChannelId: first,
        previousResourceId: 'res-1',
      });
      expect(await verifyChannel(db, second, 'token-two')).toMatchObject({ id: syncA });
      expect(await verifyChannel(db, first, 'token-one')).toMatchObject({ id: syncA });
      expect(await verifyChannel(db, first, 'token-two')).toBeNull();
      expect(await verifyChannel(db, second, 'token-one')).toBeNull();
      expect(await verifyChannel(db, 'chan-unknown', 'token-two')).toBeNull();
      // A late answer for a channel already replaced changes nothing.
      expect(await channelWatched(db, syncA, { channelId: first, resourceId: 'res-x', expiresAt: new Date() })).toBe(
        false,
      );
      await forgetPreviousChannel(db, syncA);
      expect(await verifyChannel(db, first, 'token-one')).toBeNull();
    });
    // The webhook learns the tenant from the channel before any tenant transaction.
    expect(await tenantForCalendarChannel(pool, second)).toBe(tenantA);
    expect(await tenantForCalendarChannel(pool, first)).toBeNull();
    // Another business's transaction cannot verify A's channel.
    expect(await withTenant(pool, tenantB, (db) => verifyChannel(db, second, 'token-two'))).toBeNull();
  });

  it('stores only a hash of the channel token', async () => {
    const stored = await withTenant(pool, tenantA, (db) =>
      db.oneFirst(
        sql.type(
          z.object({ hash: z.string() }),
        )`SELECT channel_token_hash AS hash FROM calendar_sync WHERE id = ${syncA}`,
      ),
    );
    expect(stored).toBe(channelTokenHash('token-two'));
    expect(stored).not.toContain('token-two');
  });

  it('keeps the sync cursor, its times and the last error; a 410 clears it', async () => {
    await withTenant(pool, tenantA, async (db) => {
      await saveSyncToken(db, syncA, { syncToken: 'tok-1', full: true });
      const full = (await findCalendarSync(db, syncA))!;
      expect(full).toMatchObject({
        syncToken: 'tok-1',
        lastSyncedAt: expect.any(Date),
        lastFullSyncAt: expect.any(Date),
      });
      await recordSyncError(db, syncA, 'calendar events.list failed (HTTP 503)');
      expect((await findCalendarSync(db, syncA))!.lastSyncError).toMatch(/503/);
      await saveSyncToken(db, syncA, { syncToken: 'tok-2', full: false });
      const incremental = (await findCalendarSync(db, syncA))!;
      expect(incremental).toMatchObject({
        syncToken: 'tok-2',
        lastSyncError: null,
        lastFullSyncAt: full.lastFullSyncAt,
      });
      await clearSyncToken(db, syncA);
      expect((await findCalendarSync(db, syncA))!.syncToken).toBeNull();
      expect((await ensureCalendarSync(db, tenantA, calendarA)).id).toBe(syncA);
    });
  });

  it('a channel id is unique across businesses, as it is across the Google project', async () => {
    const channel = `chan-${randomUUID()}`;
    const syncB = await withTenant(pool, tenantB, (db) => ensureCalendarSync(db, tenantB, 'front@b.example'));
    await withTenant(pool, tenantB, (db) => beginChannel(db, syncB.id, { channelId: channel, token: 't' }));
    await expect(
      withTenant(pool, tenantA, (db) => beginChannel(db, syncA, { channelId: channel, token: 't' })),
    ).rejects.toThrow(/unique/i);
  });
});

describe('booking messages and links', () => {
  it('records one row per message and start time; a retry updates it', async () => {
    const forStartAt = new Date('2027-06-01T10:00:00Z');
    await withTenant(pool, tenantA, async (db) => {
      const reminder = {
        tenantId: tenantA,
        bookingId: bookingA,
        kind: 'reminder' as const,
        channel: 'email' as const,
        minutesBefore: 1440,
        forStartAt,
        dueAt: new Date('2027-05-31T10:00:00Z'),
      };
      await recordBookingMessage(db, { ...reminder, status: 'queued' });
      await recordBookingMessage(db, { ...reminder, status: 'sent', emailId: randomUUID() });
      // Rescheduled: the reminder for the new time is a new row; the old one stays as it was.
      await recordBookingMessage(db, { ...reminder, forStartAt: new Date('2027-06-02T10:00:00Z'), status: 'queued' });
      const messages = await listBookingMessages(db, bookingA);
      expect(messages.map((m) => [m.kind, m.channel, m.minutesBefore, m.forStartAt.toISOString(), m.status])).toEqual([
        ['confirmation', 'email', 0, '2027-06-01T10:00:00.000Z', 'sent'],
        ['reminder', 'email', 1440, '2027-06-01T10:00:00.000Z', 'sent'],
        ['reminder', 'email', 1440, '2027-06-02T10:00:00.000Z', 'queued'],
      ]);
      expect(messages[1]!.emailId).toEqual(expect.any(String));
    });
  });

  it('finds a link only while it is live: not revoked, not expired, for its own booking', async () => {
    const jti = randomUUID();
    const expired = randomUUID();
    await withTenant(pool, tenantA, async (db) => {
      await insertBookingLink(db, {
        jti,
        tenantId: tenantA,
        bookingId: bookingA,
        expiresAt: new Date(Date.now() + 3_600_000),
      });
      await insertBookingLink(db, {
        jti: expired,
        tenantId: tenantA,
        bookingId: bookingA,
        expiresAt: new Date(Date.now() - 1000),
      });
      expect(await findLiveBookingLink(db, jti, bookingA)).toMatchObject({ jti, bookingId: bookingA, revokedAt: null });
      expect(await findLiveBookingLink(db, jti, randomUUID())).toBeNull();
      expect(await findLiveBookingLink(db, expired, bookingA)).toBeNull();
    });
    expect(await withTenant(pool, tenantB, (db) => findLiveBookingLink(db, jti, bookingA))).toBeNull();
    await withTenant(pool, tenantA, async (db) => {
      expect(await revokeBookingLinks(db, bookingA)).toBe(3); // the one from setup, this one, the expired one
      expect(await findLiveBookingLink(db, jti, bookingA)).toBeNull();
      expect(await revokeBookingLinks(db, bookingA)).toBe(0);
    });
  });
});
