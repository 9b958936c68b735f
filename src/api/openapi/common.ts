// Schemas many routes share: the problem body every error has, and the `:id` path parameter.
import { z } from './zod';

export const problemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:frontdesk:problem:validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem', { description: 'application/problem+json (RFC 9457)' });

export const idParams = z.object({
  id: z.guid().openapi({ param: { description: 'The record id (a UUID)' } }),
});

/** ISO 8601 instants in UTC, as every response writes them. */
export const instant = z.iso.datetime();
