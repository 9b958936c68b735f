import { instant } from '../../openapi/common';
import { z } from '../../openapi/zod';
import { pageOf, pageQuery } from '../../pagination';
import { DECLARED_WORKFLOW_TYPES } from './declared-workflows';

/** The statuses the API shows, and the ExecutionStatus each is called in a visibility query. */
export const WORKFLOW_STATUSES = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Canceled',
  terminated: 'Terminated',
  continued_as_new: 'ContinuedAsNew',
  timed_out: 'TimedOut',
  paused: 'Paused',
} as const;
export type WorkflowStatus = keyof typeof WORKFLOW_STATUSES | 'unknown';
const statusNames = Object.keys(WORKFLOW_STATUSES) as [
  keyof typeof WORKFLOW_STATUSES,
  ...(keyof typeof WORKFLOW_STATUSES)[],
];

export const workflowIdParams = z.object({
  workflowId: z
    .string()
    .max(300)
    // Any id that carries a UUID is looked up (and is a 404 unless it is the caller's workflow);
    // what cannot be a workflow id of ours at all is a 422.
    .regex(
      /^[A-Za-z0-9._:-]*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}[A-Za-z0-9._:-]*$/,
      'must be a workflow id like invoice:<tenant id>:<invoice id>',
    )
    .openapi({
      param: { description: 'The workflow id, `<kind>:<tenant id>:<business id>` (e.g. invoice:…:…)' },
      example: 'invoice:7d1f6a2e-93b4-4c1d-8f0e-2a5b6c7d8e9f:3b2c1d0e-4f5a-4b6c-9d7e-8f9a0b1c2d3e',
    }),
});

export const listWorkflowsQuery = pageQuery.extend({
  type: z.enum(DECLARED_WORKFLOW_TYPES).optional().openapi({ description: 'Only workflows of this type' }),
  status: z.enum(statusNames).optional().openapi({ description: 'Only workflows in this status' }),
});

const statusField = z.enum([...statusNames, 'unknown']);

export const workflowSummary = z
  .object({
    workflowId: z.string(),
    runId: z.string(),
    type: z.string(),
    status: statusField,
    startTime: instant,
    closeTime: instant.nullable(),
  })
  .openapi('WorkflowSummary');

export const workflowPage = pageOf(workflowSummary).openapi('WorkflowPage');

export const pendingActivity = z.object({
  activityId: z.string(),
  activityType: z.string(),
  state: z.enum(['scheduled', 'started', 'cancel_requested', 'paused', 'pause_requested', 'unknown']),
  attempt: z.number().int(),
  lastStartedTime: instant.nullable(),
  nextAttemptScheduleTime: instant.nullable(),
});

export const workflowDetail = workflowSummary
  .extend({
    searchAttributes: z.record(z.string(), z.string()).openapi({
      description:
        'The custom search attributes (TenantId, InvoiceId, ClientId, EmailId, MailboxId, BookingId) that are set',
    }),
    pendingActivities: z.array(pendingActivity),
    state: z.unknown().openapi({
      description: "The answer of the workflow's status query while it runs; null once closed or when it cannot answer",
    }),
  })
  .openapi('WorkflowDetail');

export const signalBody = z
  .object({
    name: z
      .string()
      .min(1)
      .max(100)
      .openapi({ description: 'A signal the workflow type declares (see the README runbook)' }),
    args: z
      .array(z.unknown())
      .max(10)
      .optional()
      .openapi({ description: 'The signal arguments, checked against the declared schema' }),
  })
  .strict()
  .openapi('SignalWorkflow', { example: { name: 'pause' } });

const reasonField = z
  .string()
  .trim()
  .min(3)
  .max(1000)
  .openapi({ description: 'Why; kept in the audit log (never in Temporal, where it would sit in clear)' });

export const cancelBody = z
  .object({ reason: reasonField })
  .strict()
  .openapi('CancelWorkflow', { example: { reason: 'Client settled the invoice by phone; stop the reminders' } });
export const terminateBody = z
  .object({ reason: reasonField })
  .strict()
  .openapi('TerminateWorkflow', { example: { reason: 'Stuck on a removed activity after a bad deploy' } });

export const workflowActionAccepted = z
  .object({
    workflowId: z.string(),
    runId: z.string(),
    action: z.enum(['signal', 'cancel', 'terminate']),
    signal: z.string().optional(),
  })
  .openapi('WorkflowActionAccepted');
