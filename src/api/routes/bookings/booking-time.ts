// When a booking may be put: in the future, and with its buffer inside one of the business's
// opening ranges (in the business's zone), as availability offers it. Overlap with another
// booking is not checked here: the database refuses it (bookings_no_overlap), even under races.
import { findBookingSettings } from '../../../db/booking-settings';
import type { TimeBlock } from '../../../db/bookings';
import type { Service } from '../../../db/services';
import type { TenantTx } from '../../../db/sql';
import { withinOpeningHours } from '../../../domain/business-hours';
import { bookingBlock } from '../../../domain/services';
import { NotFoundError, ValidationError } from '../../../errors';

export async function bookableTime(
  db: TenantTx,
  tenantId: string,
  service: Service,
  startAt: Date,
  now = new Date(),
): Promise<TimeBlock> {
  if (startAt.getTime() <= now.getTime())
    throw new ValidationError([{ path: 'startAt', message: 'must be in the future' }]);
  const settings = await findBookingSettings(db, tenantId);
  if (!settings) throw new NotFoundError('No such business');
  const block = bookingBlock(startAt, service);
  if (!withinOpeningHours(settings.hours, settings.timeZone, block.startAt, block.blockedUntil)) {
    throw new ValidationError([
      {
        path: 'startAt',
        message: `is outside business hours: the ${service.durationMinutes} minutes and the ${service.bufferMinutes} after must fit in one opening (${settings.timeZone})`,
      },
    ]);
  }
  return block;
}
