// The business's Google Calendar as the front desk sees it. GET /api/calendar says whether it is
// connected and in step; GET /api/calendar/ping whether the Calendar API answers; GET
// /api/calendar/availability offers free slots for a service. The API calls no provider itself: a
// short workflow makes each Calendar call on a worker, and its outcome (or that no worker took it
// in time) becomes the answer. POST /api/calendar/webhook takes Google's push notifications.
import Router from '@koa/router';
import { BOOKING_CALENDAR_ID } from '../../../db/bookings';
import { findCalendarSyncByCalendar, tenantForCalendarChannel, verifyChannel } from '../../../db/calendar-sync';
import { findMailbox } from '../../../db/google-accounts';
import { findService } from '../../../db/services';
import { withTenant } from '../../../db/tenant-transaction';
import { UnauthorizedError, ValidationError } from '../../../errors';
import { requireIntegration } from '../../../providers/integration';
import { pingCalendar } from '../../../workflow-starters/calendar-ping';
import { notifyCalendarSync } from '../../../workflow-starters/calendar-sync';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { availableSlots } from './availability';
import {
  availabilityQuery,
  availabilitySchema,
  calendarStatusSchema,
  MAX_AVAILABILITY_DAYS,
  pingResult,
} from './schema';
import { viaCalendarWorker } from './worker-call';

const PING_TIMEOUT_S = 20;

export function calendarRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/calendar' });
  const endpoint = endpointsFor(router, deps, 'Calendar');

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'getCalendarConnection',
    summary: 'Whether Google Calendar is connected and in step',
    access: 'staff',
    responses: { 200: { description: 'The calendar and its sync', schema: calendarStatusSchema } },
    async handler({ db, auth }) {
      const [account, sync] = await Promise.all([
        findMailbox(db, auth.tenantId),
        findCalendarSyncByCalendar(db, BOOKING_CALENDAR_ID),
      ]);
      return {
        status: 200,
        body: {
          status: account ? account.status : ('not_connected' as const),
          calendarId: account?.email ?? null,
          watchExpiresAt: sync?.channelExpiresAt?.toISOString() ?? null,
          syncedAt: sync?.lastSyncedAt?.toISOString() ?? null,
          lastSyncError: sync?.lastSyncError ?? null,
        },
      };
    },
  });

  endpoint({
    method: 'post',
    path: '/webhook',
    operationId: 'receiveCalendarPush',
    errors: { 401: 'Unknown channel, or the channel token is wrong' },
    summary: 'Google Calendar push notification',
    description:
      "Google's push for a watched calendar: X-Goog-Channel-ID names the channel, X-Goog-Channel-Token must be the channel's token (checked against its stored hash, current or previous channel): 401 when either is missing or wrong. X-Goog-Resource-State `sync` (the channel's first notice) is acknowledged; any other state signals the calendar's sync workflow. 204.",
    access: 'public',
    responses: { 204: { description: 'Accepted' } },
    async handler({ ctx }) {
      const channelId = ctx.get('X-Goog-Channel-ID');
      const token = ctx.get('X-Goog-Channel-Token');
      const tenantId = channelId && token ? await tenantForCalendarChannel(deps.pool, channelId) : null;
      const sync = tenantId ? await withTenant(deps.pool, tenantId, (db) => verifyChannel(db, channelId, token)) : null;
      if (!tenantId || !sync) {
        ctx.state.webhookOutcome = 'rejected';
        throw new UnauthorizedError('Unknown channel or wrong channel token');
      }
      const state = ctx.get('X-Goog-Resource-State');
      if (state === 'sync') {
        ctx.state.webhookOutcome = 'ignored';
        return { status: 204 };
      }
      await notifyCalendarSync(deps.temporal, deps.config, { tenantId, calendarSyncId: sync.id });
      ctx.state.log.info(
        { tenantId, calendarSyncId: sync.id, state, messageNumber: ctx.get('X-Goog-Message-Number') },
        'calendar push',
      );
      ctx.state.webhookOutcome = 'applied';
      return { status: 204 };
    },
  });

  endpoint({
    method: 'get',
    path: '/ping',
    operationId: 'pingCalendar',
    summary: 'Whether Google Calendar answers for this business',
    description: `Lists at most one upcoming event of the primary calendar of the connected Google account, through a worker. 503 naming the reason when Calendar is not configured or not connected, when it fails, or when no worker answers within ${PING_TIMEOUT_S} s.`,
    access: 'staff',
    // Reads no tenant row itself; the worker does, in the tenant's transaction.
    transaction: false,
    responses: { 200: { description: 'Calendar answered', schema: pingResult } },
    async handler({ auth }) {
      requireIntegration(deps.config, 'calendar');
      const result = await viaCalendarWorker(deps.temporal, 'ping', PING_TIMEOUT_S, () =>
        pingCalendar(deps.temporal, deps.config, auth.tenantId, PING_TIMEOUT_S),
      );
      return { status: 200, body: result };
    },
  });

  endpoint({
    method: 'get',
    path: '/availability',
    operationId: 'getAvailability',
    summary: 'Free slots for a service',
    description: `Opening hours (in the business time zone), minus the busy times of the Google calendar, minus confirmed bookings and their buffers, stepped by the service's duration; only slots still to come. \`to\` at most ${MAX_AVAILABILITY_DAYS} days after \`from\` (422 beyond). 503 naming the reason when Calendar cannot be asked (not configured, not connected, failing, or no worker in time).`,
    access: 'staff',
    request: { query: availabilityQuery },
    responses: { 200: { description: 'The free slots, in order', schema: availabilitySchema } },
    async handler({ query, db, auth }) {
      const service = await findService(db, query.serviceId);
      if (!service) throw new ValidationError([{ path: 'serviceId', message: 'is not a service of this business' }]);
      if (service.archivedAt)
        throw new ValidationError([{ path: 'serviceId', message: 'is archived: it can no longer be booked' }]);
      const availability = await availableSlots(deps, db, auth.tenantId, {
        service,
        from: new Date(query.from),
        to: new Date(query.to),
      });
      return { status: 200, body: availability };
    },
  });

  return router;
}
