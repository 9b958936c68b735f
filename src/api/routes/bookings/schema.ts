import type { BookingMessage } from '../../../db/booking-reminders';
import type { Booking } from '../../../db/bookings';
import { BOOKING_CHANNELS, BOOKING_STATUSES, CANCELLED_BY } from '../../../domain/bookings';
import { calendarDate } from '../../fields/calendar-date';
import { instant, idParams } from '../../openapi/common';
import { z } from '../../openapi/zod';
import { pageOf, pageQuery } from '../../pagination';

export { idParams };

const startAtField = z.iso.datetime({ offset: true }).openapi({
  example: '2030-01-16T10:00:00.000Z',
  description: 'When the appointment starts (ISO 8601); it must fit, with its buffer, in one opening range',
});

const channelsField = z
  .array(z.enum(BOOKING_CHANNELS))
  .max(2)
  .refine((c) => new Set(c).size === c.length, 'must not repeat a channel')
  .openapi({
    example: ['email', 'sms'],
    description:
      'How the client hears about it (confirmation and reminders); default: email when the client has an address, sms when they have a phone and consent. [] for neither.',
  });

export const createBookingBody = z
  .object({
    clientId: z.guid(),
    serviceId: z.guid(),
    startAt: startAtField,
    notes: z.string().trim().max(2000).optional().openapi({ example: 'First visit; allergic to ammonia' }),
    channels: channelsField.optional(),
  })
  .strict()
  .openapi('CreateBooking', {
    example: {
      clientId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
      serviceId: '0b7e5a1c-2d3f-4e5a-9b8c-7d6e5f4a3b2c',
      startAt: '2030-01-17T10:00:00.000Z',
      notes: 'First visit',
      channels: ['email'],
    },
  });

export const rescheduleBookingBody = z
  .object({ startAt: startAtField })
  .strict()
  .openapi('RescheduleBooking', { example: { startAt: '2030-01-16T10:00:00.000Z' } });

export const cancelBookingBody = z
  .object({ reason: z.string().trim().min(1).max(500).optional().openapi({ example: 'Client is unwell' }) })
  .strict()
  .openapi('CancelBooking', { example: { reason: 'Client is unwell' } });

export const completeBookingBody = z
  .object({
    invoice: z
      .object({
        amountCents: z
          .number()
          .int()
          .min(1)
          .max(100_000_000)
          .optional()
          .openapi({ description: "Default: the service's price" }),
        dueDate: calendarDate.optional().openapi({ description: 'Default: today in the business time zone' }),
      })
      .strict()
      .optional()
      .openapi({ description: 'Bill it: an invoice is created and its payment reminders start' }),
  })
  .strict()
  .openapi('CompleteBooking', { example: { invoice: { amountCents: 6500 } } });

export const listBookingsQuery = pageQuery.extend({
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Bookings starting at or after it' }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Bookings starting before it' }),
  clientId: z.guid().optional(),
  status: z.enum(BOOKING_STATUSES).optional(),
});

export const bookingSchema = z
  .object({
    id: z.guid(),
    status: z.enum(BOOKING_STATUSES),
    clientId: z.guid(),
    serviceId: z.guid(),
    startAt: instant,
    endAt: instant,
    blockedUntil: instant.openapi({
      description: 'The end plus the service buffer: the calendar is free again from then',
    }),
    notes: z.string().nullable(),
    channels: z.array(z.enum(BOOKING_CHANNELS)),
    workflowId: z.string(),
    calendarEventId: z.string().nullable(),
    rescheduledAt: instant.nullable(),
    cancelledAt: instant.nullable(),
    cancelledBy: z.enum(CANCELLED_BY).nullable(),
    cancellationReason: z.string().nullable(),
    completedAt: instant.nullable(),
    noShowAt: instant.nullable(),
    invoiceId: z.guid().nullable(),
    createdAt: instant,
  })
  .openapi('Booking');

const sentMessage = z.object({
  kind: z.enum(['confirmation', 'reminder', 'rescheduled', 'cancelled']),
  channel: z.enum(BOOKING_CHANNELS),
  minutesBefore: z
    .number()
    .int()
    .openapi({ description: "A reminder's offset before the start; 0 for the other kinds" }),
  forStartAt: instant.openapi({ description: 'The start time the message was about' }),
  at: instant,
  status: z.string().openapi({
    description: 'queued, sent, failed, skipped, cancelled (the booking changed before it went) or opted_out',
  }),
  deliveryStatus: z.enum(['sent', 'delivered', 'undelivered', 'failed']).nullable(),
});

export const bookingDetailSchema = bookingSchema
  .extend({
    reminders: z.object({
      nextReminderAt: instant.nullable().openapi({
        description: 'From the booking workflow; null when none is due (or the workflow cannot answer right now)',
      }),
      sent: z.array(sentMessage),
    }),
  })
  .openapi('BookingDetail');

export const bookingPage = pageOf(bookingSchema).openapi('BookingPage');

export const completedBookingSchema = z
  .object({ booking: bookingSchema, invoiceId: z.guid().nullable() })
  .openapi('CompletedBooking');

export function presentBooking(b: Booking): z.infer<typeof bookingSchema> {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: b.id,
    status: b.status,
    clientId: b.clientId,
    serviceId: b.serviceId,
    startAt: b.startAt.toISOString(),
    endAt: b.endAt.toISOString(),
    blockedUntil: b.blockedUntil.toISOString(),
    notes: b.notes,
    channels: b.channels,
    workflowId: b.workflowId,
    calendarEventId: b.calendarEventId,
    rescheduledAt: iso(b.rescheduledAt),
    cancelledAt: iso(b.cancelledAt),
    cancelledBy: b.cancelledBy,
    cancellationReason: b.cancellationReason,
    completedAt: iso(b.completedAt),
    noShowAt: iso(b.noShowAt),
    invoiceId: b.invoiceId,
    createdAt: b.createdAt.toISOString(),
  };
}

export function presentMessage(m: BookingMessage): z.infer<typeof sentMessage> {
  return {
    kind: m.kind,
    channel: m.channel,
    minutesBefore: m.minutesBefore,
    forStartAt: m.forStartAt.toISOString(),
    at: m.at.toISOString(),
    status: m.status,
    deliveryStatus: m.deliveryStatus,
  };
}
