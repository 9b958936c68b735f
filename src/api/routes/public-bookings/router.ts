// The client's self-service, with nothing but the signed link from their confirmation or a
// reminder: see the booking, see free slots for its service, move it or cancel it, up to the
// business's cancellation window (403 inside it). A forged, altered, expired, revoked or spent
// link answers 404 like an unknown one. A link is spent once it has moved or cancelled its
// booking (the notice of the new time brings a new one). Rate limited per IP like every /api route.
import Router from '@koa/router';
import { openBookingLink } from '../../../crypto/booking-link';
import { insertAuditEntry } from '../../../db/audit';
import { findBookingSettings } from '../../../db/booking-settings';
import { findLiveBookingLink, revokeBookingLink, revokeBookingLinks } from '../../../db/booking-links';
import { findBooking, type Booking } from '../../../db/bookings';
import { findService, type Service } from '../../../db/services';
import type { TenantTx } from '../../../db/sql';
import { withTenant } from '../../../db/tenant-transaction';
import { findTenant } from '../../../db/tenants';
import { canCancel } from '../../../domain/bookings';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../errors';
import type { AppDeps } from '../../deps';
import type { AppContext, AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { availableSlots } from '../calendar/availability';
import { availabilitySchema, MAX_AVAILABILITY_DAYS, rangeQuery } from '../calendar/schema';
import { cancelBookingFor, moveBooking, type BookingTx } from '../bookings/booking-changes';
import { publicBookingSchema, publicRescheduleBody, tokenParams } from './schema';

const HOUR = 3_600_000;

interface LinkContext {
  db: TenantTx;
  tenantId: string;
  jti: string;
  booking: Booking;
  service: Service;
  windowHours: number;
  timeZone: string;
  businessName: string;
}

export function publicBookingsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/public/bookings' });
  const endpoint = endpointsFor(router, deps, 'Client self-service');

  /** Runs `fn` in the link's tenant transaction, or answers 404 for any link that does not work. */
  async function withLink<T>(token: string, fn: (link: LinkContext) => Promise<T>): Promise<T> {
    const claims = await openBookingLink(deps.config.auth.jwtSecret, token);
    if (!claims) throw new NotFoundError('No such booking link');
    return withTenant(deps.pool, claims.tenantId, async (db) => {
      const link = await findLiveBookingLink(db, claims.jti, claims.bookingId);
      const booking = link ? await findBooking(db, claims.bookingId) : null;
      const [service, settings, tenant] = booking
        ? await Promise.all([
            findService(db, booking.serviceId),
            findBookingSettings(db, claims.tenantId),
            findTenant(db, claims.tenantId),
          ])
        : [null, null, null];
      if (!booking || !service || !settings || !tenant) throw new NotFoundError('No such booking link');
      return fn({
        db,
        tenantId: claims.tenantId,
        jti: claims.jti,
        booking,
        service,
        windowHours: settings.cancellationWindowHours,
        timeZone: settings.timeZone,
        businessName: tenant.name,
      });
    });
  }

  function view(link: LinkContext, booking: Booking = link.booking) {
    const open = booking.status === 'confirmed' && canCancel(booking.startAt, new Date(), link.windowHours);
    return {
      business: { name: link.businessName, timeZone: link.timeZone },
      service: { name: link.service.name, durationMinutes: link.service.durationMinutes },
      startAt: booking.startAt.toISOString(),
      endAt: booking.endAt.toISOString(),
      status: booking.status,
      canCancel: open,
      canReschedule: open,
    };
  }

  /** A change through the link: only a confirmed booking, only before the window; audited as the client's. */
  function changeable(link: LinkContext, ctx: AppContext): BookingTx {
    if (link.booking.status !== 'confirmed')
      throw new ConflictError(`The booking is ${link.booking.status.replace('_', '-')}`);
    if (!canCancel(link.booking.startAt, new Date(), link.windowHours)) {
      throw new ForbiddenError(
        `Too close to the appointment to change it here: up to ${link.windowHours} hours before, please contact ${link.businessName}`,
      );
    }
    return {
      db: link.db,
      tenantId: link.tenantId,
      audit: (note) =>
        insertAuditEntry(link.db, {
          tenantId: link.tenantId,
          actorId: null,
          action: note.action,
          target: note.target,
          requestId: ctx.state.requestId,
          detail: { ...note.detail, via: 'link' },
        }),
    };
  }

  endpoint({
    method: 'get',
    path: '/:token',
    operationId: 'getBookingByLink',
    summary: 'A booking, as its client sees it',
    description: 'A forged, expired, revoked or spent link is a 404.',
    access: 'public',
    request: { params: tokenParams },
    responses: { 200: { description: 'The booking', schema: publicBookingSchema } },
    async handler({ params }) {
      return { status: 200, body: await withLink(params.token, async (link) => view(link)) };
    },
  });

  endpoint({
    method: 'get',
    path: '/:token/availability',
    operationId: 'listSlotsByLink',
    summary: "Free slots for the booking's service",
    description: `As the staff availability, from after the business's cancellation window on; \`to\` at most ${MAX_AVAILABILITY_DAYS} days after \`from\`.`,
    access: 'public',
    request: { params: tokenParams, query: rangeQuery },
    responses: { 200: { description: 'The free slots, in order', schema: availabilitySchema } },
    async handler({ params, query }) {
      const body = await withLink(params.token, (link) =>
        availableSlots(deps, link.db, link.tenantId, {
          service: link.service,
          from: new Date(query.from),
          to: new Date(query.to),
          now: new Date(Date.now() + link.windowHours * HOUR),
        }),
      );
      return { status: 200, body };
    },
  });

  endpoint({
    method: 'post',
    path: '/:token/reschedule',
    operationId: 'rescheduleBookingByLink',
    errors: {
      403: 'Too close to the appointment: inside the cancellation window',
      409: 'The booking is no longer confirmed, or the new slot is taken',
    },
    summary: 'Move the booking',
    description:
      'To a free time outside the cancellation window (422 naming startAt otherwise, or outside business hours); 409 when the time is taken; 403 once the booking is inside the window. The link is spent: the notice of the new time brings a new one.',
    access: 'public',
    request: { params: tokenParams, body: publicRescheduleBody },
    responses: { 200: { description: 'The moved booking', schema: publicBookingSchema } },
    async handler({ params, body, ctx }) {
      const moved = await withLink(params.token, async (link) => {
        const tx = changeable(link, ctx);
        const startAt = new Date(body.startAt);
        if (!canCancel(startAt, new Date(), link.windowHours)) {
          throw new ValidationError([{ path: 'startAt', message: `must be at least ${link.windowHours} hours ahead` }]);
        }
        const booking = await moveBooking(deps, tx, link.booking, startAt, 'client');
        await revokeBookingLink(link.db, link.jti);
        return view(link, booking);
      });
      return { status: 200, body: moved };
    },
  });

  endpoint({
    method: 'post',
    path: '/:token/cancel',
    operationId: 'cancelBookingByLink',
    errors: {
      403: 'Too close to the appointment: inside the cancellation window',
      409: 'The booking is no longer confirmed',
    },
    summary: 'Cancel the booking',
    description: "403 once the booking is inside the business's cancellation window. Every link to it stops working.",
    access: 'public',
    request: { params: tokenParams },
    responses: { 200: { description: 'The cancelled booking', schema: publicBookingSchema } },
    async handler({ params, ctx }) {
      const cancelled = await withLink(params.token, async (link) => {
        const booking = await cancelBookingFor(deps, changeable(link, ctx), link.booking, 'client', null);
        await revokeBookingLinks(link.db, booking.id);
        return view(link, booking);
      });
      return { status: 200, body: cancelled };
    },
  });

  return router;
}
