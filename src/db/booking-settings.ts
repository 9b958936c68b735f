// A business's booking settings, kept on its tenant row: opening hours per weekday, the
// cancellation window of the client's self-service, and the reminder offsets. NULL hours or
// reminders mean the defaults in src/domain; reads answer the values in effect and say which
// are the defaults.
import { z } from 'zod';
import { DEFAULT_BOOKING_REMINDERS, type ReminderOffset } from '../domain/booking-reminders';
import { BOOKING_CHANNELS } from '../domain/bookings';
import { type BusinessHours, DEFAULT_BUSINESS_HOURS } from '../domain/business-hours';
import { sql, type Db } from './sql';

const range = z.object({ open: z.string(), close: z.string() });
const hoursSchema = z.object({
  mon: z.array(range),
  tue: z.array(range),
  wed: z.array(range),
  thu: z.array(range),
  fri: z.array(range),
  sat: z.array(range),
  sun: z.array(range),
});
const remindersSchema = z.array(z.object({ channel: z.enum(BOOKING_CHANNELS), minutesBefore: z.number().int() }));

const settingsRow = z.object({
  timeZone: z.string(),
  hours: hoursSchema.nullable(),
  cancellationWindowHours: z.number().int(),
  reminders: remindersSchema.nullable(),
});

export interface BookingSettings {
  timeZone: string;
  hours: BusinessHours;
  hoursAreDefault: boolean;
  cancellationWindowHours: number;
  reminders: ReminderOffset[];
  remindersAreDefault: boolean;
}

export async function findBookingSettings(db: Db, tenantId: string): Promise<BookingSettings | null> {
  const row = await db.maybeOne(sql.type(settingsRow)`
    SELECT timezone AS "timeZone", business_hours AS hours, cancellation_window_hours AS "cancellationWindowHours",
           booking_reminders AS reminders
      FROM tenants WHERE id = ${tenantId}`);
  if (!row) return null;
  return {
    timeZone: row.timeZone,
    hours: row.hours ?? DEFAULT_BUSINESS_HOURS,
    hoursAreDefault: row.hours === null,
    cancellationWindowHours: row.cancellationWindowHours,
    reminders: row.reminders ?? [...DEFAULT_BOOKING_REMINDERS],
    remindersAreDefault: row.reminders === null,
  };
}

/**
 * Changes only what is given (validated by the caller with src/domain's rules); null hours or
 * reminders go back to the defaults. Null when the tenant is not visible.
 */
export async function updateBookingSettings(
  db: Db,
  tenantId: string,
  patch: {
    hours?: BusinessHours | null;
    cancellationWindowHours?: number;
    reminders?: readonly ReminderOffset[] | null;
  },
): Promise<BookingSettings | null> {
  const sets = [sql.fragment`updated_at = now()`];
  const json = (value: unknown) => (value === null ? null : sql.fragment`${JSON.stringify(value)}::jsonb`);
  if (patch.hours !== undefined) sets.push(sql.fragment`business_hours = ${json(patch.hours)}`);
  if (patch.cancellationWindowHours !== undefined)
    sets.push(sql.fragment`cancellation_window_hours = ${patch.cancellationWindowHours}`);
  if (patch.reminders !== undefined) sets.push(sql.fragment`booking_reminders = ${json(patch.reminders)}`);
  const updated = await db.query(
    sql.typeAlias('void')`UPDATE tenants SET ${sql.join(sets, sql.fragment`, `)} WHERE id = ${tenantId}`,
  );
  return updated.rowCount === 1 ? findBookingSettings(db, tenantId) : null;
}
