import { instant } from '../../openapi/common';
import { z } from '../../openapi/zod';

/** The longest range one availability request may span. */
export const MAX_AVAILABILITY_DAYS = 31;

export const pingResult = z.object({ status: z.literal('ok'), calendarId: z.string() }).openapi('CalendarPing');

const rangeFields = {
  from: z.iso
    .datetime({ offset: true })
    .openapi({ example: '2026-12-01T00:00:00.000Z', description: 'Slots starting at or after it (ISO 8601)' }),
  to: z.iso.datetime({ offset: true }).openapi({
    example: '2026-12-08T00:00:00.000Z',
    description: `Slots ending by it; at most ${MAX_AVAILABILITY_DAYS} days after from`,
  }),
};

function rangeWithinLimit(q: { from: string; to: string }, ctx: z.RefinementCtx): void {
  const span = Date.parse(q.to) - Date.parse(q.from);
  if (span <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  else if (span > MAX_AVAILABILITY_DAYS * 86_400_000)
    ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${MAX_AVAILABILITY_DAYS} days after from` });
}

/** A range of instants to look for slots in (the client's link asks for its booking's service). */
export const rangeQuery = z.object(rangeFields).superRefine(rangeWithinLimit);

export const availabilityQuery = z
  .object({
    serviceId: z
      .guid()
      .openapi({ description: 'The service to fit: its duration steps the slots, and its buffer must fit too' }),
    ...rangeFields,
  })
  .superRefine(rangeWithinLimit);

export const calendarStatusSchema = z
  .object({
    status: z.enum(['connected', 'reauth_required', 'not_connected']),
    calendarId: z
      .string()
      .nullable()
      .openapi({ description: "The connected Google account's address (its primary calendar)" }),
    watchExpiresAt: instant
      .nullable()
      .openapi({ description: 'When the push channel on the calendar expires (it is renewed a day before)' }),
    syncedAt: instant.nullable().openapi({ description: 'When the last sync pass finished' }),
    lastSyncError: z.string().nullable(),
  })
  .openapi('CalendarStatus');

const slot = z.object({ startAt: instant, endAt: instant });

export const availabilitySchema = z
  .object({
    timeZone: z.string().openapi({ description: "The business's time zone, which its opening hours are in" }),
    slots: z.array(slot),
  })
  .openapi('Availability');
