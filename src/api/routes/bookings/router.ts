// Bookings. Making one stores it (the database refuses an overlap with another confirmed booking
// of the calendar: 409, even for two requests racing for one slot) and starts its booking
// workflow, which puts it in Google Calendar and sends the confirmation and reminders; the API
// calls no provider. Reschedule, cancel, complete and no-show change the row, then tell the
// workflow.
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { findBookingSettings } from '../../../db/booking-settings';
import { listBookingMessages } from '../../../db/booking-reminders';
import {
  BOOKING_CALENDAR_ID,
  completeBooking,
  findBooking,
  insertBooking,
  listBookings,
  markNoShow,
  type Booking,
} from '../../../db/bookings';
import { ensureCalendarSync } from '../../../db/calendar-sync';
import { findClient, type Client } from '../../../db/clients';
import { findService } from '../../../db/services';
import { calendarEventIdForBooking, type BookingChannel } from '../../../domain/bookings';
import { bookingWorkflowId } from '../../../domain/workflow-ids';
import { ConflictError, NotFoundError, ValidationError } from '../../../errors';
import { signalIfRunning } from '../../../temporal/if-running';
import { completeSignal, noShowSignal } from '../../../workflows/booking.contract';
import { startBooking } from '../../../workflow-starters/booking';
import { ensureCalendarSyncRunning } from '../../../workflow-starters/calendar-sync';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { listPage } from '../../pagination';
import { createInvoice } from '../invoices/create-invoice';
import { cancelBookingFor, confirmedBooking, moveBooking } from './booking-changes';
import { bookableTime } from './booking-time';
import { bookingRemindersView } from './reminders-view';
import {
  bookingDetailSchema,
  bookingPage,
  bookingSchema,
  cancelBookingBody,
  completeBookingBody,
  completedBookingSchema,
  createBookingBody,
  idParams,
  listBookingsQuery,
  presentBooking,
  rescheduleBookingBody,
} from './schema';

const bookingCursor = z.object({ startAt: z.coerce.date(), id: z.guid() });

/** How a client hears about a booking unless told otherwise: the ways they can be reached. */
function defaultChannels(client: Client): BookingChannel[] {
  return [
    ...(client.email ? (['email'] as const) : []),
    ...(client.phone && client.smsConsent ? (['sms'] as const) : []),
  ];
}

/** A transition answers null when another request changed the booking first. */
function stillConfirmed(changed: Booking | null): Booking {
  if (!changed) throw new ConflictError('The booking is no longer confirmed: it no longer changes');
  return changed;
}

export function bookingsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/bookings' });
  const endpoint = endpointsFor(router, deps, 'Bookings');

  endpoint({
    method: 'post',
    path: '/',
    operationId: 'createBooking',
    errors: {
      409: 'The slot overlaps a confirmed booking (the database refuses it), or the Idempotency-Key was used for another request',
    },
    summary: 'Book an appointment',
    description:
      "Answers at once; the booking workflow then puts it in Google Calendar and sends the confirmation. 409 naming startAt when it overlaps a confirmed booking (the service's buffer included); 422 naming startAt when it is past or outside business hours.",
    access: 'staff',
    request: { body: createBookingBody },
    responses: { 201: { description: 'The new booking', schema: bookingSchema } },
    idempotent: true,
    async handler({ body, db, auth, audit }) {
      const client = await findClient(db, body.clientId);
      if (!client) throw new ValidationError([{ path: 'clientId', message: 'is not a client of this business' }]);
      const service = await findService(db, body.serviceId);
      if (!service) throw new ValidationError([{ path: 'serviceId', message: 'is not a service of this business' }]);
      if (service.archivedAt)
        throw new ValidationError([{ path: 'serviceId', message: 'is archived: it can no longer be booked' }]);
      const block = await bookableTime(db, auth.tenantId, service, new Date(body.startAt));
      const channels = body.channels ?? defaultChannels(client);
      if (channels.includes('sms') && !client.phone)
        throw new ValidationError([{ path: 'channels', message: 'sms needs a client with a phone number' }]);
      if (channels.includes('email') && !client.email)
        throw new ValidationError([{ path: 'channels', message: 'email needs a client with an email address' }]);
      const id = randomUUID();
      const booking = await insertBooking(db, {
        id,
        tenantId: auth.tenantId,
        clientId: client.id,
        serviceId: service.id,
        calendarId: BOOKING_CALENDAR_ID,
        ...block,
        notes: body.notes ?? null,
        channels,
        calendarEventId: calendarEventIdForBooking(id),
        workflowId: bookingWorkflowId(auth.tenantId, id),
      });
      await audit({
        action: 'booking.created',
        target: `booking:${id}`,
        detail: { serviceId: service.id, clientId: client.id, startAt: booking.startAt.toISOString() },
      });
      // Started inside the transaction: if Temporal refuses, the booking is not stored either.
      await startBooking(deps.temporal, deps.config, { tenantId: auth.tenantId, bookingId: id, clientId: client.id });
      // The calendar it went into is kept in step both ways from the first booking on.
      const sync = await ensureCalendarSync(db, auth.tenantId, BOOKING_CALENDAR_ID);
      await ensureCalendarSyncRunning(deps.temporal, deps.config, { tenantId: auth.tenantId, calendarSyncId: sync.id });
      return { status: 201, body: presentBooking(booking), headers: { Location: `/api/bookings/${id}` } };
    },
  });

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'listBookings',
    summary: 'List bookings',
    description: 'By start time, earliest first; from/to bound the start (half-open), clientId and status filter.',
    access: 'staff',
    request: { query: listBookingsQuery },
    responses: { 200: { description: 'A page of bookings', schema: bookingPage } },
    async handler({ query, db }) {
      const page = await listPage(
        query,
        bookingCursor,
        (limit, after) =>
          listBookings(db, {
            limit,
            ...(query.from ? { from: new Date(query.from) } : {}),
            ...(query.to ? { to: new Date(query.to) } : {}),
            ...(query.clientId ? { clientId: query.clientId } : {}),
            ...(query.status ? { status: query.status } : {}),
            ...(after ? { after } : {}),
          }),
        presentBooking,
        (b) => ({ startAt: b.startAt.toISOString(), id: b.id }),
      );
      return { status: 200, body: page };
    },
  });

  endpoint({
    method: 'get',
    path: '/:id',
    operationId: 'getBooking',
    summary: 'One booking, with what was sent about it and the next reminder',
    access: 'staff',
    request: { params: idParams },
    responses: { 200: { description: 'The booking', schema: bookingDetailSchema } },
    async handler({ params, db }) {
      const booking = await findBooking(db, params.id);
      if (!booking) throw new NotFoundError('No such booking');
      const reminders = await bookingRemindersView(deps.temporal, booking, await listBookingMessages(db, booking.id));
      return { status: 200, body: { ...presentBooking(booking), reminders } };
    },
  });

  endpoint({
    method: 'post',
    path: '/:id/reschedule',
    operationId: 'rescheduleBooking',
    errors: { 409: 'The booking is no longer confirmed, or the new slot overlaps another booking' },
    summary: 'Move a booking',
    description:
      'The Calendar event and the reminders follow; the client is told the new time, and nothing more is sent about the old one. 409 when the new time overlaps another confirmed booking or the booking is no longer confirmed; 422 naming startAt outside business hours.',
    access: 'staff',
    request: { params: idParams, body: rescheduleBookingBody },
    responses: { 200: { description: 'The moved booking', schema: bookingSchema } },
    async handler({ params, body, db, auth, audit }) {
      const booking = await confirmedBooking(db, params.id);
      const moved = await moveBooking(
        deps,
        { db, tenantId: auth.tenantId, audit },
        booking,
        new Date(body.startAt),
        'staff',
      );
      return { status: 200, body: presentBooking(moved) };
    },
  });

  endpoint({
    method: 'post',
    path: '/:id/cancel',
    operationId: 'cancelBooking',
    errors: { 409: 'The booking is no longer confirmed' },
    summary: 'Cancel a booking',
    description:
      'Its time is free at once; the Calendar event is deleted and no reminder is sent for it afterwards, ever. 409 when it is no longer confirmed.',
    access: 'staff',
    request: { params: idParams, body: cancelBookingBody },
    responses: { 200: { description: 'The cancelled booking', schema: bookingSchema } },
    async handler({ params, body, db, auth, audit }) {
      const booking = await confirmedBooking(db, params.id);
      const cancelled = await cancelBookingFor(
        deps,
        { db, tenantId: auth.tenantId, audit },
        booking,
        'staff',
        body.reason ?? null,
      );
      return { status: 200, body: presentBooking(cancelled) };
    },
  });

  endpoint({
    method: 'post',
    path: '/:id/complete',
    operationId: 'completeBooking',
    errors: { 409: 'The booking is no longer confirmed' },
    summary: 'Mark a booking done, and bill it',
    description:
      "With `invoice`, an invoice is created for the client (the service's price unless amountCents is given, due today in the business time zone unless dueDate is) and its payment reminders start. 422 naming invoice.amountCents when the service has no price and none is given; 409 when the booking is no longer confirmed.",
    access: 'staff',
    request: { params: idParams, body: completeBookingBody },
    responses: {
      200: { description: 'The completed booking and its invoice, if one was made', schema: completedBookingSchema },
    },
    async handler({ params, body, db, auth, audit }) {
      const booking = await confirmedBooking(db, params.id);
      let invoiceId: string | null = null;
      if (body.invoice) {
        const service = await findService(db, booking.serviceId);
        const settings = await findBookingSettings(db, auth.tenantId);
        if (!service || !settings) throw new NotFoundError('No such service');
        const amountCents = body.invoice.amountCents ?? service.priceCents;
        if (amountCents === null || amountCents === 0) {
          throw new ValidationError([{ path: 'invoice.amountCents', message: 'is needed: the service has no price' }]);
        }
        const day = (d: Date) => DateTime.fromJSDate(d, { zone: settings.timeZone }).toISODate() as string;
        const invoice = await createInvoice(
          deps,
          { db, tenantId: auth.tenantId, audit },
          {
            clientId: booking.clientId,
            amountCents,
            currency: service.currency,
            dueDate: body.invoice.dueDate ?? day(new Date()),
            description: `${service.name}, ${day(booking.startAt)}`,
            channels: booking.channels.length > 0 ? booking.channels : ['email'],
          },
          'invoice.',
        );
        invoiceId = invoice.id;
      }
      const completed = stillConfirmed(await completeBooking(db, booking.id, { invoiceId }));
      await audit({
        action: 'booking.completed',
        target: `booking:${booking.id}`,
        detail: invoiceId ? { invoiceId } : {},
      });
      await signalIfRunning(deps.temporal, booking.workflowId, completeSignal, { invoiceId });
      return { status: 200, body: { booking: presentBooking(completed), invoiceId } };
    },
  });

  endpoint({
    method: 'post',
    path: '/:id/no-show',
    operationId: 'markBookingNoShow',
    errors: { 409: 'The booking is no longer confirmed, or its appointment has not started yet' },
    summary: 'Record that the client did not come',
    description: '409 before the appointment has started, or when the booking is no longer confirmed.',
    access: 'staff',
    request: { params: idParams },
    responses: { 200: { description: 'The booking', schema: bookingSchema } },
    async handler({ params, db, audit }) {
      const booking = await confirmedBooking(db, params.id);
      if (booking.startAt.getTime() > Date.now()) throw new ConflictError('The appointment has not started yet');
      const marked = stillConfirmed(await markNoShow(db, booking.id));
      await audit({ action: 'booking.no_show', target: `booking:${booking.id}` });
      await signalIfRunning(deps.temporal, booking.workflowId, noShowSignal);
      return { status: 200, body: presentBooking(marked) };
    },
  });

  return router;
}
