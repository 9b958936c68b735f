import { textablePhoneField } from '../../fields/phone';
import { CHECK_STATUSES, GUARDIAN_CHECKS, UNSAFE_CATEGORIES, UNSAFE_SEVERITIES } from '../../../domain/guardian';
import { instant } from '../../openapi/common';
import { z } from '../../openapi/zod';

export const guardianCheckSchema = z
  .object({
    name: z.enum(GUARDIAN_CHECKS),
    status: z.enum(CHECK_STATUSES),
    detail: z.string().openapi({ description: 'What was found, in one line' }),
  })
  .openapi('GuardianCheck');

export const flaggedThreadSchema = z
  .object({
    id: z.guid().openapi({ description: 'The unsafe thread (GET /api/unsafe-threads)' }),
    threadId: z.guid().openapi({ description: 'The mail thread (GET /api/threads/{id})' }),
    category: z.enum(UNSAFE_CATEGORIES),
    severity: z.enum(UNSAFE_SEVERITIES),
    reason: z.string(),
    flaggedAt: instant,
  })
  .openapi('GuardianFlaggedThread');

export const guardianReportSchema = z
  .object({
    pass: z.number().int().openapi({ description: 'Counts every pass of this guardian' }),
    trigger: z.enum(['schedule', 'runNow']),
    startedAt: instant,
    finishedAt: instant,
    status: z
      .enum(CHECK_STATUSES)
      .openapi({ description: 'The worst status of its checks: what needs attention first' }),
    checks: z.array(guardianCheckSchema),
    flaggedThreads: z.array(flaggedThreadSchema).openapi({ description: 'Threads this pass found unsafe' }),
  })
  .openapi('GuardianReport');

export const guardianViewSchema = z
  .object({
    workflowId: z.string(),
    state: z.enum(['running', 'paused', 'stopped']).openapi({
      description:
        'stopped: no guardian workflow runs (the worker starts one at boot; run-now and resume start it too)',
    }),
    lastRunAt: instant.nullable(),
    nextRunAt: instant.nullable().openapi({ description: 'The next scheduled pass; null while paused or stopped' }),
    lastReport: guardianReportSchema.nullable(),
    answering: z.boolean().openapi({
      description:
        'Whether the workflow answered just now; false: no worker is polling, and the state and report are the last ones stored',
    }),
  })
  .openapi('Guardian');

export const runNowAccepted = z
  .object({ workflowId: z.string(), requested: z.literal('runNow') })
  .openapi('GuardianRunNow');

export const guardianSettingsSchema = z
  .object({
    alertPhone: z.string().nullable().openapi({ description: 'E.164; high-severity findings are also texted here' }),
  })
  .openapi('GuardianSettings');

export const guardianSettingsBody = z
  .object({
    // Any international way of writing it in, E.164 stored (what Twilio takes).
    alertPhone: textablePhoneField
      .nullable()
      .openapi({ type: ['string', 'null'], example: '+1 415 555 2671', description: 'null turns SMS alerts off' }),
  })
  .strict()
  .openapi('GuardianSettingsUpdate', { example: { alertPhone: '+15551234567' } });
