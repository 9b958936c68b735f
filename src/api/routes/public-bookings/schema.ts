import { BOOKING_STATUSES } from '../../../domain/bookings';
import { instant } from '../../openapi/common';
import { z } from '../../openapi/zod';

export const tokenParams = z.object({
  token: z
    .string()
    .min(1)
    .max(2048)
    .openapi({ param: { description: 'The link token from the confirmation or a reminder' } }),
});

export const publicRescheduleBody = z
  .object({
    startAt: z.iso
      .datetime({ offset: true })
      .openapi({ description: 'One of the free slots GET …/availability offers' }),
  })
  .strict()
  .openapi('PublicRescheduleBooking', { example: { startAt: '2030-01-16T10:00:00.000Z' } });

export const publicBookingSchema = z
  .object({
    business: z.object({ name: z.string(), timeZone: z.string() }),
    service: z.object({ name: z.string(), durationMinutes: z.number().int() }),
    startAt: instant,
    endAt: instant,
    status: z.enum(BOOKING_STATUSES),
    canCancel: z.boolean().openapi({
      description: "Whether this link may still cancel it: confirmed, and before the business's cancellation window",
    }),
    canReschedule: z.boolean(),
  })
  .openapi('PublicBooking');
