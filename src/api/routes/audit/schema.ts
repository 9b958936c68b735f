import { instant } from '../../openapi/common';
import { z } from '../../openapi/zod';
import { pageOf, pageQuery } from '../../pagination';
import type { AuditEntry } from '../../../db/audit';

export const auditQuery = pageQuery.extend({
  target: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'Exact target, e.g. client:<id>', example: 'client:0b5e4a2c-8d0f-4c61-9a57-1f2e3d4c5b6a' }),
  action: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: 'Exact action, e.g. client.updated', example: 'client.updated' }),
});

export const auditEntrySchema = z
  .object({
    id: z.guid(),
    actorId: z.guid().nullable().openapi({ description: 'The user who acted; null for an anonymous attempt' }),
    action: z.string(),
    target: z.string().nullable(),
    at: instant,
    requestId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditEntry');

export const auditPage = pageOf(auditEntrySchema).openapi('AuditPage');

export function presentAuditEntry(e: AuditEntry): z.infer<typeof auditEntrySchema> {
  return {
    id: e.id,
    actorId: e.actorId,
    action: e.action,
    target: e.target,
    at: e.at.toISOString(),
    requestId: e.requestId,
    detail: e.detail,
  };
}
