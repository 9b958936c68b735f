// A calendar date field, `YYYY-MM-DD`, that must name a real day (2026-02-30 is refused).
import { DateTime } from 'luxon';
import { z } from '../openapi/zod';

export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-01')
  .refine((v) => DateTime.fromISO(v, { zone: 'UTC' }).isValid, 'is not a real calendar date')
  .openapi({ format: 'date', example: '2026-12-01' });
