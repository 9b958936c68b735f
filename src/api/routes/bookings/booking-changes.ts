// The changes a booking goes through after it is made, whoever asks (the front desk now, the
// client's link and the calendar sync later): the row changes first, in the request's tenant
// transaction, then the booking's workflow is told, so whatever it sends next re-reads the row and
// follows it. A booking that is no longer confirmed does not change (409).
import type { Client as TemporalClient } from '@temporalio/client';
import type { Config } from '../../../config';
import { cancelBooking, findBooking, rescheduleBooking, type Booking } from '../../../db/bookings';
import { findService } from '../../../db/services';
import type { TenantTx } from '../../../db/sql';
import type { CancelledBy } from '../../../domain/bookings';
import { ConflictError, NotFoundError } from '../../../errors';
import { cancelSignal, rescheduleSignal } from '../../../workflows/booking.contract';
import { signalBooking } from '../../../workflow-starters/booking';
import type { AuditNote } from '../../endpoint';
import { bookableTime } from './booking-time';

export interface BookingDeps {
  config: Config;
  temporal: TemporalClient;
}

export interface BookingTx {
  db: TenantTx;
  tenantId: string;
  audit(note: AuditNote): Promise<void>;
}

/** The booking, or 404; 409 when it is no longer confirmed. */
export async function confirmedBooking(db: TenantTx, id: string): Promise<Booking> {
  const booking = await findBooking(db, id);
  if (!booking) throw new NotFoundError('No such booking');
  if (booking.status !== 'confirmed')
    throw new ConflictError(`The booking is ${booking.status.replace('_', '-')}: it no longer changes`);
  return booking;
}

export async function moveBooking(
  deps: BookingDeps,
  tx: BookingTx,
  booking: Booking,
  startAt: Date,
  by: CancelledBy,
): Promise<Booking> {
  const service = await findService(tx.db, booking.serviceId);
  if (!service) throw new NotFoundError('No such service');
  const block = await bookableTime(tx.db, tx.tenantId, service, startAt);
  const moved = await rescheduleBooking(tx.db, booking.id, block);
  if (!moved) throw new ConflictError('The booking is no longer confirmed: it no longer changes');
  await tx.audit({
    action: 'booking.rescheduled',
    target: `booking:${booking.id}`,
    detail: { by, from: booking.startAt.toISOString(), to: moved.startAt.toISOString() },
  });
  await signalBooking(
    deps.temporal,
    deps.config,
    { tenantId: tx.tenantId, bookingId: booking.id, clientId: booking.clientId },
    rescheduleSignal,
    {
      startAt: moved.startAt.toISOString(),
    },
  );
  return moved;
}

export async function cancelBookingFor(
  deps: BookingDeps,
  tx: BookingTx,
  booking: Booking,
  by: CancelledBy,
  reason: string | null,
): Promise<Booking> {
  const cancelled = await cancelBooking(tx.db, booking.id, { by, reason });
  if (!cancelled) throw new ConflictError('The booking is no longer confirmed: it no longer changes');
  await tx.audit({
    action: 'booking.cancelled',
    target: `booking:${booking.id}`,
    detail: { by, ...(reason ? { reason } : {}) },
  });
  // A run that already ended is started again to delete the event.
  await signalBooking(
    deps.temporal,
    deps.config,
    { tenantId: tx.tenantId, bookingId: booking.id, clientId: booking.clientId },
    cancelSignal,
    { by, reason },
  );
  return cancelled;
}
