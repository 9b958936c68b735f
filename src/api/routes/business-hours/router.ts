// The business's booking settings: opening hours per weekday (in its time zone), how long before
// an appointment a client may still cancel or move it through their link, and when reminders go
// out. Bookings already made keep the reminders they were planned with until they are moved.
import Router from '@koa/router';
import { findBookingSettings, updateBookingSettings } from '../../../db/booking-settings';
import { NotFoundError } from '../../../errors';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { businessHoursSchema, presentSettings, putHoursBody } from './schema';

export function businessHoursRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/tenant/hours' });
  const endpoint = endpointsFor(router, deps, 'Business');

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'getBookingSettings',
    summary: 'Opening hours, cancellation window and reminder offsets',
    description:
      'The values in effect; hoursAreDefault and remindersAreDefault say whether the business chose its own.',
    access: 'staff',
    responses: { 200: { description: 'The booking settings', schema: businessHoursSchema } },
    async handler({ db, auth }) {
      const settings = await findBookingSettings(db, auth.tenantId);
      if (!settings) throw new NotFoundError('No such business');
      return { status: 200, body: presentSettings(settings) };
    },
  });

  endpoint({
    method: 'put',
    path: '/',
    operationId: 'updateBookingSettings',
    summary: 'Set opening hours (and the cancellation window and reminders)',
    description:
      'Owner only. hours is required (null for the default); cancellationWindowHours and reminders change only when sent. A range that ends before it opens, overlaps the one before it or is not a clock time is a 422 naming it (hours.tue.0.close).',
    access: 'owner',
    request: { body: putHoursBody },
    responses: { 200: { description: 'The booking settings', schema: businessHoursSchema } },
    async handler({ db, auth, body, audit }) {
      const settings = await updateBookingSettings(db, auth.tenantId, {
        hours: body.hours,
        ...(body.cancellationWindowHours !== undefined
          ? { cancellationWindowHours: body.cancellationWindowHours }
          : {}),
        ...(body.reminders !== undefined ? { reminders: body.reminders } : {}),
      });
      if (!settings) throw new NotFoundError('No such business');
      await audit({
        action: 'tenant.hours_updated',
        target: `tenant:${auth.tenantId}`,
        detail: { fields: Object.keys(body) },
      });
      return { status: 200, body: presentSettings(settings) };
    },
  });

  return router;
}
