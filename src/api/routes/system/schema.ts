import { z } from '../../openapi/zod';

const mode = z.enum(['live', 'sandbox', 'unconfigured']);

export const systemStatusSchema = z
  .object({
    version: z.string(),
    uptimeS: z.number().int(),
    temporal: z.object({
      address: z.string(),
      namespace: z.string(),
      taskQueue: z.string(),
      workerPollers: z.number().int().nullable().openapi({ description: 'Workers polling the task queue; null when Temporal did not answer' }),
      ok: z.boolean(),
    }),
    db: z.object({ ok: z.boolean() }),
    integrations: z.object({ gmail: mode, calendar: mode, stripe: mode, twilio: mode, anthropic: mode }),
  })
  .openapi('SystemStatus');
