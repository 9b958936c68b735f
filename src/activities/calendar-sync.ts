// Activities of the calendarSync workflow: the push channel on the calendar (events.watch) and
// the sync passes that read what changed in Google Calendar since the stored syncToken. An event
// of Frontdesk's (its id derived from a booking's) that the owner moved or deleted in Calendar
// moves or cancels its booking, audited as done by `calendar`, and the booking's workflow is told,
// so its reminders follow; every other event only counts as busy time (free/busy reads it).
import { randomBytes, randomUUID } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Config } from '../config';
import { insertAuditEntry } from '../db/audit';
import { BookingOverlapError, cancelBooking, findBooking, rescheduleBooking, type Booking } from '../db/bookings';
import {
  beginChannel,
  channelWatched,
  clearSyncToken,
  findCalendarSync,
  forgetPreviousChannel,
  recordSyncError,
  saveSyncToken,
  type CalendarSync,
} from '../db/calendar-sync';
import { findService } from '../db/services';
import type { Db } from '../db/sql';
import type { RunAsTenant } from '../db/tenant-transaction';
import { bookingIdForCalendarEvent } from '../domain/bookings';
import { AppError, UpstreamError } from '../errors';
import type { Logger } from '../observability/logger';
import type { Calendar, EventChange } from '../providers/google/calendar';
import { signalBooking } from '../workflow-starters/booking';
import { cancelSignal, rescheduleSignal } from '../workflows/booking.contract';
import { rowNotVisible } from './row-not-visible';
import { asTemporalFailure } from './temporal-failure';

export type SyncCalendar = Pick<Calendar, 'listChanges' | 'watchEvents' | 'stopChannel' | 'updateEvent'>;

export interface CalendarSyncDeps {
  config: Config;
  /** A transaction as the tenant (row-level security), made once for the whole worker. */
  tx: RunAsTenant;
  logger: Logger;
  /** Where Google posts push notifications: the API's POST /api/calendar/webhook. */
  webhookUrl: string;
  calendarFor(tenantId: string): Promise<SyncCalendar>;
}

/** A full resync reads the events that end after this far back, no older ones. */
const FULL_SYNC_LOOKBACK_MS = 30 * 86_400_000;
/** And at most this many pages of them: the bound on a resync after a 410. */
export const FULL_SYNC_MAX_PAGES = 40;
const PAGE_SIZE = 250;

function failure(err: unknown): never {
  if (err instanceof UpstreamError) return asTemporalFailure(err);
  if (err instanceof AppError)
    throw ApplicationFailure.create({ message: err.message, type: err.type, nonRetryable: true });
  throw err;
}

export function createCalendarSyncActivities(deps: CalendarSyncDeps) {
  const { tx } = deps;

  async function syncRow(tenantId: string, id: string): Promise<CalendarSync> {
    const row = await tx(tenantId, (db) => findCalendarSync(db, id));
    if (!row) throw rowNotVisible(`calendar sync ${id}`);
    return row;
  }

  async function audit(db: Db, tenantId: string, action: string, bookingId: string, detail: Record<string, unknown>) {
    await insertAuditEntry(db, {
      tenantId,
      actorId: null,
      action,
      target: `booking:${bookingId}`,
      requestId: null,
      detail,
    });
  }

  /** The booking workflow hears of it (a new run is started if the booking's had ended). */
  async function tellBooking(booking: Booking, change: { cancelled: true } | { startAt: Date }): Promise<void> {
    const client = Context.current().client;
    const ids = { tenantId: booking.tenantId, bookingId: booking.id, clientId: booking.clientId };
    if ('cancelled' in change)
      await signalBooking(client, deps.config, ids, cancelSignal, {
        by: 'calendar',
        reason: 'deleted in Google Calendar',
      });
    else await signalBooking(client, deps.config, ids, rescheduleSignal, { startAt: change.startAt.toISOString() });
  }

  /** One changed event; true when it moved or cancelled a booking. */
  async function applyChange(calendar: SyncCalendar, sync: CalendarSync, change: EventChange): Promise<boolean> {
    const bookingId = bookingIdForCalendarEvent(change.id);
    if (!bookingId) return false;
    const { tenantId } = sync;
    const outcome = await tx(tenantId, async (db) => {
      const booking = await findBooking(db, bookingId);
      if (!booking || booking.status !== 'confirmed' || booking.calendarId !== sync.calendarId) return null;
      if (change.status === 'cancelled') {
        const cancelled = await cancelBooking(db, booking.id, { by: 'calendar', reason: 'deleted in Google Calendar' });
        if (!cancelled) return null;
        await audit(db, tenantId, 'booking.cancelled', booking.id, {
          by: 'calendar',
          reason: 'deleted in Google Calendar',
        });
        return { booking: cancelled, change: { cancelled: true } as const };
      }
      // Our own writes come back in the list too: the same time is no change. A whole-day event is
      // no appointment time; the booking keeps its own.
      if (
        change.allDay ||
        (change.start.getTime() === booking.startAt.getTime() && change.end.getTime() === booking.endAt.getTime())
      )
        return null;
      const service = await findService(db, booking.serviceId);
      const buffer = (service?.bufferMinutes ?? 0) * 60_000;
      try {
        const moved = await rescheduleBooking(db, booking.id, {
          startAt: change.start,
          endAt: change.end,
          blockedUntil: new Date(change.end.getTime() + buffer),
        });
        if (!moved) return null;
        await audit(db, tenantId, 'booking.rescheduled', booking.id, {
          by: 'calendar',
          from: booking.startAt.toISOString(),
          to: moved.startAt.toISOString(),
        });
        return { booking: moved, change: { startAt: moved.startAt } };
      } catch (err) {
        if (!(err instanceof BookingOverlapError)) throw err;
        return { booking, refused: true as const };
      }
    });
    if (!outcome) return false;
    if ('refused' in outcome) {
      // The owner put it over another confirmed booking: the booking keeps its time, and so does its event.
      await tx(tenantId, (db) =>
        audit(db, tenantId, 'booking.calendar_move_refused', outcome.booking.id, {
          to: change.status === 'cancelled' ? null : change.start.toISOString(),
          reason: 'overlaps a confirmed booking',
        }),
      );
      await calendar.updateEvent(sync.calendarId, change.id, {
        start: outcome.booking.startAt,
        end: outcome.booking.endAt,
      });
      return false;
    }
    await tellBooking(outcome.booking, outcome.change);
    return true;
  }

  return {
    /**
     * A new push channel: its id and token are chosen and stored (the token only as a hash) before
     * events.watch, so the webhook can verify the `sync` notice Google sends at once; the channel
     * it replaces is stopped once the new one is live. The token never leaves this activity.
     */
    async renewCalendarWatch(input: { tenantId: string; calendarSyncId: string }): Promise<{ expiresAt: string }> {
      const row = await syncRow(input.tenantId, input.calendarSyncId);
      const channelId = randomUUID();
      const token = randomBytes(32).toString('hex');
      const begun = await tx(input.tenantId, (db) => beginChannel(db, row.id, { channelId, token }));
      if (!begun) throw rowNotVisible(`calendar sync ${row.id}`);
      try {
        const calendar = await deps.calendarFor(input.tenantId);
        const watch = await calendar.watchEvents(row.calendarId, { channelId, token, address: deps.webhookUrl });
        await tx(input.tenantId, (db) => channelWatched(db, row.id, watch));
        if (begun.previousChannelId) {
          if (begun.previousResourceId)
            await calendar.stopChannel({ channelId: begun.previousChannelId, resourceId: begun.previousResourceId });
          await tx(input.tenantId, (db) => forgetPreviousChannel(db, row.id));
        }
        return { expiresAt: watch.expiresAt.toISOString() };
      } catch (err) {
        return failure(err);
      }
    },

    /**
     * One pass: every page of changes since the stored syncToken, applied, then the new token
     * stored. Without a token (the first pass, or after Google answered 410) it is a full list of
     * the events ending in the last 30 days or later, at most FULL_SYNC_MAX_PAGES pages.
     */
    async syncCalendarChanges(input: {
      tenantId: string;
      calendarSyncId: string;
    }): Promise<{ changes: number; applied: number; fullSync: boolean }> {
      const sync = await syncRow(input.tenantId, input.calendarSyncId);
      try {
        const calendar = await deps.calendarFor(input.tenantId);
        let syncToken = sync.syncToken;
        let fullSync = syncToken === null;
        let pageToken: string | undefined;
        let pages = 0;
        let changes = 0;
        let applied = 0;
        for (;;) {
          const page = await calendar.listChanges(sync.calendarId, {
            ...(syncToken !== null ? { syncToken } : { timeMin: new Date(Date.now() - FULL_SYNC_LOOKBACK_MS) }),
            ...(pageToken ? { pageToken } : {}),
            maxResults: PAGE_SIZE,
          });
          if (page.kind === 'full_sync_required') {
            if (fullSync)
              throw new UpstreamError('Google asked for a full sync of a full sync', {
                provider: 'calendar',
                code: 'full_sync_required',
                retryable: true,
              });
            // The token is too old: forget it and list everything again, once, within the bound.
            await tx(input.tenantId, (db) => clearSyncToken(db, sync.id));
            deps.logger.info(
              { tenantId: input.tenantId, calendarSyncId: sync.id },
              'calendar sync token expired (410): full resync',
            );
            syncToken = null;
            fullSync = true;
            pageToken = undefined;
            pages = 0;
            continue;
          }
          pages += 1;
          for (const change of page.events) {
            changes += 1;
            if (await applyChange(calendar, sync, change)) applied += 1;
          }
          Context.current().heartbeat({ pages });
          if (page.nextPageToken) {
            if (fullSync && pages >= FULL_SYNC_MAX_PAGES) {
              throw new UpstreamError(`a full sync of more than ${FULL_SYNC_MAX_PAGES} pages was cut off`, {
                provider: 'calendar',
                code: 'full_sync_too_large',
                retryable: false,
              });
            }
            pageToken = page.nextPageToken;
            continue;
          }
          if (!page.nextSyncToken)
            throw new UpstreamError('Calendar ended a list without a sync token', {
              provider: 'calendar',
              code: 'no_sync_token',
              retryable: true,
            });
          const nextSyncToken = page.nextSyncToken;
          await tx(input.tenantId, (db) => saveSyncToken(db, sync.id, { syncToken: nextSyncToken, full: fullSync }));
          return { changes, applied, fullSync };
        }
      } catch (err) {
        await tx(input.tenantId, (db) =>
          recordSyncError(db, sync.id, err instanceof Error ? err.message : String(err)),
        );
        return failure(err);
      }
    },
  };
}
