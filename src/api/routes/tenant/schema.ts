import { scheduleDaysField } from '../../fields/schedule-days';
import { z } from '../../openapi/zod';
import { timeZoneField } from '../auth/schema';

export const updateTenantBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional().openapi({ example: 'Lumen Hair Studio' }),
    timezone: timeZoneField
      .optional()
      .openapi({ description: 'Reminders for clients without a time zone go at 09:00 here' }),
    reminderScheduleDays: scheduleDaysField.nullable().optional().openapi({
      description: 'The schedule of new invoices that bring none; null goes back to the default [-3, 0, 3, 7, 14]',
    }),
    ssoRequired: z.boolean().optional().openapi({
      description:
        'true: password login is refused for admins and staff (owners keep it, for recovery); they sign in by SSO',
    }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'Send name, timezone, reminderScheduleDays, ssoRequired or several')
  .openapi('UpdateTenant', { example: { reminderScheduleDays: [-2, 0, 5, 10] } });
