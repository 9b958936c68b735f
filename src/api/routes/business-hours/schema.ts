import type { BookingSettings } from '../../../db/booking-settings';
import { REMINDER_LIMITS, validateReminderOffsets } from '../../../domain/booking-reminders';
import { BOOKING_CHANNELS, MAX_CANCELLATION_WINDOW_HOURS } from '../../../domain/bookings';
import {
  MAX_RANGES_PER_DAY,
  validateBusinessHours,
  WEEKDAYS,
  type BusinessHours,
} from '../../../domain/business-hours';
import { z } from '../../openapi/zod';

/**
 * The domain's rules name each problem by its path under the field (`tue.0.close`); zod puts the
 * field's own path in front (`hours.tue.0.close`). On the field itself, so a problem elsewhere in
 * the body does not hide these.
 */
function addProblems(ctx: z.RefinementCtx, problems: { path: string; message: string }[]): void {
  for (const p of problems) {
    const path = p.path
      .split('.')
      .filter(Boolean)
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    ctx.addIssue({ code: 'custom', path, message: p.message });
  }
}

const clock = z.string().regex(/^\d{2}:\d{2}$/, 'must be a time like "09:00"');
const range = z.object({ open: clock, close: clock }).strict();
const day = z.array(range).max(MAX_RANGES_PER_DAY);

const hoursField = z
  .object(Object.fromEntries(WEEKDAYS.map((d) => [d, day])) as Record<(typeof WEEKDAYS)[number], typeof day>)
  .strict()
  .superRefine((hours, ctx) => addProblems(ctx, validateBusinessHours(hours as BusinessHours, '')))
  .openapi({
    description: `Per weekday, wall-clock ranges in the business's time zone, in order and without overlap (at most ${MAX_RANGES_PER_DAY} a day); "24:00" closes at midnight. An empty list is a closed day.`,
  });

const reminderOffset = z
  .object({
    channel: z.enum(BOOKING_CHANNELS),
    minutesBefore: z
      .number()
      .int()
      .min(REMINDER_LIMITS.minutesBefore.min)
      .max(REMINDER_LIMITS.minutesBefore.max)
      .openapi({
        description:
          'Whole days are calendar days in the business zone (1440 = the same time the day before), the rest real minutes',
      }),
  })
  .strict();

const cancellationWindowHours = z.number().int().min(0).max(MAX_CANCELLATION_WINDOW_HOURS).openapi({
  description: 'Up to how many hours before the start a client may still cancel or move a booking through their link',
  example: 24,
});

export const putHoursBody = z
  .object({
    hours: hoursField.nullable().openapi({ description: 'null goes back to the default: weekdays 09:00-17:00' }),
    cancellationWindowHours: cancellationWindowHours.optional(),
    reminders: z
      .array(reminderOffset)
      .max(REMINDER_LIMITS.count)
      .superRefine((offsets, ctx) => addProblems(ctx, validateReminderOffsets(offsets, '')))
      .nullable()
      .optional()
      .openapi({
        uniqueItems: true,
        description:
          'The reminders of bookings made or moved from now on, each once; null goes back to the default (email 1440, sms 120 minutes before)',
      }),
  })
  .strict()
  .openapi('PutBusinessHours', {
    example: {
      hours: {
        mon: [{ open: '09:00', close: '17:00' }],
        tue: [
          { open: '09:00', close: '12:30' },
          { open: '13:30', close: '19:00' },
        ],
        wed: [{ open: '09:00', close: '17:00' }],
        thu: [{ open: '09:00', close: '17:00' }],
        fri: [{ open: '09:00', close: '17:00' }],
        sat: [{ open: '10:00', close: '14:00' }],
        sun: [],
      },
      cancellationWindowHours: 24,
      reminders: [
        { channel: 'email', minutesBefore: 1440 },
        { channel: 'sms', minutesBefore: 120 },
      ],
    },
  });

export const businessHoursSchema = z
  .object({
    timeZone: z.string().openapi({
      description: "The business's time zone (PATCH /api/tenant changes it): the hours are its wall-clock times",
    }),
    hours: hoursField,
    hoursAreDefault: z.boolean(),
    cancellationWindowHours: z.number().int(),
    reminders: z.array(reminderOffset),
    remindersAreDefault: z.boolean(),
  })
  .openapi('BusinessHours');

export function presentSettings(s: BookingSettings): z.infer<typeof businessHoursSchema> {
  return {
    timeZone: s.timeZone,
    hours: s.hours,
    hoursAreDefault: s.hoursAreDefault,
    cancellationWindowHours: s.cancellationWindowHours,
    reminders: s.reminders,
    remindersAreDefault: s.remindersAreDefault,
  };
}
