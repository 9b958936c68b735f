// The state of the two-way sync with one Google calendar: its push channel and the incremental
// sync cursor. A channel's id and token are chosen before events.watch is called and stored
// first (only a SHA-256 of the token), so the webhook can verify the `sync` notification Google
// sends before watch has even answered; on renewal the channel it replaces stays accepted, as
// `previous`, until it is stopped.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { sql, type Db } from './sql';

export const calendarSyncRow = z.object({
  id: z.string(),
  tenantId: z.string(),
  calendarId: z.string(),
  channelId: z.string().nullable(),
  resourceId: z.string().nullable(),
  channelExpiresAt: z.coerce.date().nullable(),
  watchRenewedAt: z.coerce.date().nullable(),
  previousChannelId: z.string().nullable(),
  previousResourceId: z.string().nullable(),
  syncToken: z.string().nullable(),
  lastSyncedAt: z.coerce.date().nullable(),
  lastFullSyncAt: z.coerce.date().nullable(),
  lastSyncError: z.string().nullable(),
});
export type CalendarSync = z.infer<typeof calendarSyncRow>;

const columns = sql.fragment`
  id, tenant_id AS "tenantId", calendar_id AS "calendarId", channel_id AS "channelId", resource_id AS "resourceId",
  channel_expires_at AS "channelExpiresAt", watch_renewed_at AS "watchRenewedAt", previous_channel_id AS "previousChannelId",
  previous_resource_id AS "previousResourceId", sync_token AS "syncToken", last_synced_at AS "lastSyncedAt",
  last_full_sync_at AS "lastFullSyncAt", last_sync_error AS "lastSyncError"`;

export function channelTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The calendar's sync row, made on first use. */
export async function ensureCalendarSync(db: Db, tenantId: string, calendarId: string): Promise<CalendarSync> {
  await db.query(sql.typeAlias('void')`
    INSERT INTO calendar_sync (tenant_id, calendar_id) VALUES (${tenantId}, ${calendarId}) ON CONFLICT (tenant_id, calendar_id) DO NOTHING`);
  return db.one(sql.type(calendarSyncRow)`SELECT ${columns} FROM calendar_sync WHERE calendar_id = ${calendarId}`);
}

export async function findCalendarSync(db: Db, id: string): Promise<CalendarSync | null> {
  return db.maybeOne(sql.type(calendarSyncRow)`SELECT ${columns} FROM calendar_sync WHERE id = ${id}`);
}

export async function findCalendarSyncByCalendar(db: Db, calendarId: string): Promise<CalendarSync | null> {
  return db.maybeOne(sql.type(calendarSyncRow)`SELECT ${columns} FROM calendar_sync WHERE calendar_id = ${calendarId}`);
}

/**
 * Before events.watch: the new channel becomes current, the one it replaces previous (a previous
 * one not yet stopped is forgotten: it expires on its own).
 */
export async function beginChannel(
  db: Db,
  id: string,
  channel: { channelId: string; token: string },
): Promise<CalendarSync | null> {
  return db.maybeOne(sql.type(calendarSyncRow)`
    UPDATE calendar_sync
       SET previous_channel_id = channel_id, previous_channel_token_hash = channel_token_hash, previous_resource_id = resource_id,
           channel_id = ${channel.channelId}, channel_token_hash = ${channelTokenHash(channel.token)},
           resource_id = NULL, channel_expires_at = NULL, updated_at = now()
     WHERE id = ${id}
     RETURNING ${columns}`);
}

/** After events.watch answered: what channels.stop will need, and when to renew. False when the channel is no longer current. */
export async function channelWatched(
  db: Db,
  id: string,
  watch: { channelId: string; resourceId: string; expiresAt: Date },
): Promise<boolean> {
  const result = await db.query(sql.typeAlias('void')`
    UPDATE calendar_sync
       SET resource_id = ${watch.resourceId}, channel_expires_at = ${watch.expiresAt.toISOString()}, watch_renewed_at = now(), updated_at = now()
     WHERE id = ${id} AND channel_id = ${watch.channelId}`);
  return result.rowCount === 1;
}

/** After channels.stop of the previous channel (or once it expired). */
export async function forgetPreviousChannel(db: Db, id: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE calendar_sync
       SET previous_channel_id = NULL, previous_channel_token_hash = NULL, previous_resource_id = NULL, updated_at = now()
     WHERE id = ${id}`);
}

/** No channel at all (the calendar was disconnected, or the channel is being dropped). */
export async function clearChannels(db: Db, id: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE calendar_sync
       SET channel_id = NULL, channel_token_hash = NULL, resource_id = NULL, channel_expires_at = NULL,
           previous_channel_id = NULL, previous_channel_token_hash = NULL, previous_resource_id = NULL, updated_at = now()
     WHERE id = ${id}`);
}

const calendarSyncExpectedHashRow = calendarSyncRow.extend({ expectedHash: z.string() });

/**
 * The sync row a push is for, when its channel id is current or previous and its token matches;
 * null otherwise (the webhook answers 401). Compared in constant time.
 */
export async function verifyChannel(db: Db, channelId: string, token: string): Promise<CalendarSync | null> {
  const row = await db.maybeOne(sql.type(calendarSyncExpectedHashRow)`
    SELECT ${columns},
           CASE WHEN channel_id = ${channelId} THEN channel_token_hash ELSE previous_channel_token_hash END AS "expectedHash"
      FROM calendar_sync WHERE channel_id = ${channelId} OR previous_channel_id = ${channelId}`);
  if (!row) return null;
  const expected = Buffer.from(row.expectedHash, 'hex');
  const given = Buffer.from(channelTokenHash(token), 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const { expectedHash: _expected, ...sync } = row;
  return sync;
}

/** Stores the cursor once the changes up to it are applied; `full` after a full pass. */
export async function saveSyncToken(db: Db, id: string, cursor: { syncToken: string; full: boolean }): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE calendar_sync
       SET sync_token = ${cursor.syncToken}, last_synced_at = now(),
           last_full_sync_at = CASE WHEN ${cursor.full}::boolean THEN now() ELSE last_full_sync_at END,
           last_sync_error = NULL, updated_at = now()
     WHERE id = ${id}`);
}

/** Google answered 410: the next pass is a full one. */
export async function clearSyncToken(db: Db, id: string): Promise<void> {
  await db.query(
    sql.typeAlias('void')`UPDATE calendar_sync SET sync_token = NULL, updated_at = now() WHERE id = ${id}`,
  );
}

export async function recordSyncError(db: Db, id: string, message: string): Promise<void> {
  await db.query(
    sql.typeAlias(
      'void',
    )`UPDATE calendar_sync SET last_sync_error = ${message.slice(0, 500)}, updated_at = now() WHERE id = ${id}`,
  );
}

const tenantIdRow = z.object({ tenant_id: z.string().nullable() });

/** Which tenant a push's channel belongs to, outside any tenant transaction (the webhook). */
export async function tenantForCalendarChannel(db: Db, channelId: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(tenantIdRow)`
    SELECT tenant_for_calendar_channel(${channelId}) AS tenant_id`);
}
