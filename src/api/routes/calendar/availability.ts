// Free slots for a service: the business's opening hours, minus the busy periods of its Google
// calendar (asked through a short workflow on a worker), minus its confirmed bookings up to the
// end of their buffers; the domain's freeSlots walks the hours in the business's zone, so slots
// stay right across daylight-saving changes. Shared by the staff route and the client's link.
import type { Client } from '@temporalio/client';
import type { Config } from '../../../config';
import { findBookingSettings } from '../../../db/booking-settings';
import { BOOKING_CALENDAR_ID, blockedIntervals } from '../../../db/bookings';
import type { Service } from '../../../db/services';
import type { TenantTx } from '../../../db/sql';
import { freeSlots, type Slot } from '../../../domain/availability';
import { NotFoundError } from '../../../errors';
import { requireIntegration } from '../../../providers/integration';
import { queryCalendarBusy } from '../../../workflow-starters/calendar-free-busy';
import { viaCalendarWorker } from './worker-call';

const FREE_BUSY_TIMEOUT_S = 20;
const MINUTE = 60_000;

export async function availableSlots(
  deps: { config: Config; temporal: Client },
  db: TenantTx,
  tenantId: string,
  request: { service: Service; from: Date; to: Date; now?: Date },
): Promise<{ timeZone: string; slots: Slot[] }> {
  const { service, from, to } = request;
  requireIntegration(deps.config, 'calendar');
  const settings = await findBookingSettings(db, tenantId);
  if (!settings) throw new NotFoundError('No such business');
  // A slot near `to` is free only if its buffer is too: look that far past it.
  const until = new Date(to.getTime() + service.bufferMinutes * MINUTE);
  const booked = await blockedIntervals(db, { calendarId: BOOKING_CALENDAR_ID, from, to: until });
  const calendar = await viaCalendarWorker(deps.temporal, 'free/busy query', FREE_BUSY_TIMEOUT_S, () =>
    queryCalendarBusy(deps.temporal, deps.config, { tenantId, from, to: until }, FREE_BUSY_TIMEOUT_S),
  );
  const slots = freeSlots({
    hours: settings.hours,
    timeZone: settings.timeZone,
    from,
    to,
    durationMinutes: service.durationMinutes,
    bufferMinutes: service.bufferMinutes,
    busy: [...booked, ...calendar.busy],
    now: request.now ?? new Date(),
  });
  return { timeZone: settings.timeZone, slots };
}
