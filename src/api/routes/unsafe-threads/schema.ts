import type { UnsafeThread } from '../../../db/unsafe-threads';
import {
  UNSAFE_CATEGORIES,
  UNSAFE_RESOLUTIONS,
  UNSAFE_SEVERITIES,
  UNSAFE_THREAD_STATUSES,
} from '../../../domain/guardian';
import { idParams, instant } from '../../openapi/common';
import { z } from '../../openapi/zod';
import { pageOf, pageQuery } from '../../pagination';

export { idParams };

export const unsafeThreadSchema = z
  .object({
    id: z.guid(),
    threadId: z.guid().openapi({ description: 'The mail thread (GET /api/threads/{id})' }),
    category: z.enum(UNSAFE_CATEGORIES),
    severity: z.enum(UNSAFE_SEVERITIES),
    reason: z.string().openapi({ description: "Claude's one-line reason" }),
    flaggedAt: instant,
    status: z.enum(UNSAFE_THREAD_STATUSES),
    resolution: z.enum(UNSAFE_RESOLUTIONS).nullable(),
    resolutionNote: z.string().nullable(),
    resolvedAt: instant.nullable(),
    alert: z
      .object({
        emailId: z.guid().nullable().openapi({ description: "The owner's alert email (GET /api/emails/{id})" }),
        sms: z
          .enum(['sent', 'skipped', 'failed'])
          .nullable()
          .openapi({ description: 'High severity only; skipped says why in smsDetail' }),
        smsDetail: z.string().nullable(),
        alertedAt: instant.nullable(),
      })
      .openapi({ description: 'How the owner was told, once' }),
  })
  .openapi('UnsafeThread');

export const unsafeThreadPage = pageOf(unsafeThreadSchema).openapi('UnsafeThreadPage');

export const listUnsafeThreadsQuery = pageQuery.extend({
  status: z.enum(UNSAFE_THREAD_STATUSES).optional().openapi({ description: 'open: still to be dealt with' }),
});

export const resolveBody = z
  .object({
    resolution: z.enum(UNSAFE_RESOLUTIONS).openapi({
      description:
        'safe: a false alarm (automatic replies on the thread resume); handled: dealt with, replies stay paused; blocked: the sender is blocked',
    }),
    note: z.string().trim().min(1).max(2000).optional(),
  })
  .strict()
  .openapi('ResolveUnsafeThread', {
    example: { resolution: 'handled', note: 'Called the client; reported to the police.' },
  });

export const resolvedSchema = unsafeThreadSchema
  .extend({
    autoReplyPaused: z.boolean().openapi({ description: 'Whether automatic replies on the thread are still paused' }),
  })
  .openapi('ResolvedUnsafeThread');

export function presentUnsafeThread(u: UnsafeThread): z.infer<typeof unsafeThreadSchema> {
  return {
    id: u.id,
    threadId: u.threadId,
    category: u.category,
    severity: u.severity,
    reason: u.reason,
    flaggedAt: new Date(u.flaggedAt).toISOString(),
    status: u.status,
    resolution: u.resolution,
    resolutionNote: u.resolutionNote,
    resolvedAt: u.resolvedAt?.toISOString() ?? null,
    alert: {
      emailId: u.alertEmailId,
      sms: u.alertSmsStatus,
      smsDetail: u.alertSmsDetail,
      alertedAt: u.alertedAt?.toISOString() ?? null,
    },
  };
}
