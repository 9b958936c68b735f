// The business's Google Calendar as the front desk sees it. GET /api/calendar/ping says whether
// the Calendar API answers; GET /api/calendar/availability offers free slots for a service. The
// API calls no provider itself: a short workflow makes each Calendar call on a worker, and its
// outcome (or that no worker took it in time) becomes the answer.
import Router from '@koa/router';
import { findService } from '../../../db/services';
import { ValidationError } from '../../../errors';
import { requireIntegration } from '../../../providers/integration';
import { pingCalendar } from '../../../workflow-starters/calendar-ping';
import type { AppDeps } from '../../app';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { availableSlots } from './availability';
import { availabilityQuery, availabilitySchema, MAX_AVAILABILITY_DAYS, pingResult } from './schema';
import { viaCalendarWorker } from './worker-call';

const PING_TIMEOUT_S = 20;

export function calendarRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/calendar' });
  const endpoint = endpointsFor(router, deps, 'Calendar');

  endpoint({
    method: 'get',
    path: '/ping',
    summary: 'Whether Google Calendar answers for this business',
    description: `Lists at most one upcoming event of the primary calendar of the connected Google account, through a worker. 503 naming the reason when Calendar is not configured or not connected, when it fails, or when no worker answers within ${PING_TIMEOUT_S} s.`,
    access: 'staff',
    // Reads no tenant row itself; the worker does, in the tenant's transaction.
    transaction: false,
    responses: { 200: { description: 'Calendar answered', schema: pingResult } },
    async handler({ auth }) {
      requireIntegration(deps.config, 'calendar');
      const result = await viaCalendarWorker(deps.temporal, 'ping', PING_TIMEOUT_S, () => pingCalendar(deps.temporal, deps.config, auth.tenantId, PING_TIMEOUT_S));
      return { status: 200, body: result };
    },
  });

  endpoint({
    method: 'get',
    path: '/availability',
    summary: 'Free slots for a service',
    description: `Opening hours (in the business time zone), minus the busy times of the Google calendar, minus confirmed bookings and their buffers, stepped by the service's duration; only slots still to come. \`to\` at most ${MAX_AVAILABILITY_DAYS} days after \`from\` (422 beyond). 503 naming the reason when Calendar cannot be asked (not configured, not connected, failing, or no worker in time).`,
    access: 'staff',
    request: { query: availabilityQuery },
    responses: { 200: { description: 'The free slots, in order', schema: availabilitySchema } },
    async handler({ query, db, auth }) {
      const service = await findService(db, query.serviceId);
      if (!service) throw new ValidationError([{ path: 'serviceId', message: 'is not a service of this business' }]);
      if (service.archivedAt) throw new ValidationError([{ path: 'serviceId', message: 'is archived: it can no longer be booked' }]);
      const availability = await availableSlots(deps, db, auth.tenantId, { service, from: new Date(query.from), to: new Date(query.to) });
      return { status: 200, body: availability };
    },
  });

  return router;
}
