// GET /api/calendar/ping: whether the Google Calendar API answers for this business. The API
// calls no provider itself: a short calendarPing workflow makes the call on a worker, and its
// outcome (or that no worker took it in time) becomes the answer.
import Router from '@koa/router';
import { WorkflowFailedError } from '@temporalio/client';
import { TimeoutFailure } from '@temporalio/common';
import { ServiceUnavailableError } from '../../../errors';
import { requireIntegration } from '../../../providers/integration';
import { pingCalendar } from '../../../workflow-starters/calendar-ping';
import type { AppDeps } from '../../app';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { z } from '../../openapi/zod';

const PING_TIMEOUT_S = 20;

const pingResult = z.object({ status: z.literal('ok'), calendarId: z.string() }).openapi('CalendarPing');

export function calendarRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/calendar' });
  const endpoint = endpointsFor(router, deps, 'Calendar');

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
      try {
        // Waits for the worker's answer: longer than the request-wide Temporal deadline.
        const result = await deps.temporal.connection.withDeadline(Date.now() + (PING_TIMEOUT_S + 5) * 1000, () =>
          pingCalendar(deps.temporal, deps.config, auth.tenantId, PING_TIMEOUT_S),
        );
        return { status: 200, body: result };
      } catch (err) {
        if (!(err instanceof WorkflowFailedError)) throw err;
        if (err.cause instanceof TimeoutFailure) {
          throw new ServiceUnavailableError(`Google Calendar did not answer: no worker ran the ping within ${PING_TIMEOUT_S} s`);
        }
        const reason = innermostMessage(err).slice(0, 300);
        throw new ServiceUnavailableError(`Google Calendar did not answer: ${reason}`);
      }
    },
  });

  return router;
}

/** The activity's own failure message (e.g. "reauth_required: …"), under Temporal's wrappers. */
function innermostMessage(err: Error): string {
  let current: Error = err;
  while (current.cause instanceof Error) current = current.cause;
  return current.message;
}
