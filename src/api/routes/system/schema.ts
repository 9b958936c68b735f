import { z } from '../../openapi/zod';

const mode = z.enum(['live', 'sandbox', 'unconfigured']);
const service = z
  .enum(['unconfigured', 'reachable', 'unreachable'])
  .openapi({ description: 'reachable: GET <url>/health answered 2xx within 2 s' });

export const systemStatusSchema = z
  .object({
    version: z.string(),
    uptimeS: z.number().int(),
    temporal: z.object({
      address: z.string(),
      namespace: z.string(),
      taskQueue: z.string(),
      workerPollers: z.number().int().nullable().openapi({
        description:
          'Workers polling any of the task queues (a process polling all three counts once); null when Temporal did not answer',
      }),
      taskQueues: z
        .array(
          z.object({
            kind: z.enum(['reminders', 'delivery', 'agents']),
            name: z.string(),
            workerPollers: z
              .number()
              .int()
              .nullable()
              .openapi({ description: 'Workers polling this queue; null when Temporal did not answer' }),
          }),
        )
        .openapi({
          description:
            "Each kind of work and its task queue (taskQueue is the reminders one, and the base of the others' names)",
        }),
      ok: z.boolean(),
    }),
    db: z.object({ ok: z.boolean() }),
    integrations: z.object({ gmail: mode, calendar: mode, stripe: mode, twilio: mode, anthropic: mode }),
    services: z
      .object({ nova: service, eli: service })
      .openapi({ description: 'NOVA_SERVICE_URL and ELI_SERVICE_URL' }),
  })
  .openapi('SystemStatus');
