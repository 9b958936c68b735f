// A reminder schedule: offsets in days from an invoice's due date (negative = before it).
import { z } from '../openapi/zod';

export const scheduleDaysField = z
  .array(z.number().int().min(-60).max(365))
  .min(1)
  .max(10)
  .refine((days) => new Set(days).size === days.length, 'must not repeat a day')
  .openapi({
    description: 'Offsets in days from the due date, each once; each reminder goes at 09:00 client time',
    uniqueItems: true,
    example: [-3, 0, 3, 7, 14],
  });
