// Hands a verified Stripe event to its own stripeEvent workflow (stripe-event:<tenant>:<event id>).
// Once the start is stored the event is durable in Temporal, so the webhook can answer 200 before
// any worker has picked it up. A second start for the same event id (Stripe's redeliveries, which
// may arrive together) is refused by Temporal: `duplicate`.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
} from '@temporalio/client';
import type { Config } from '../config';
import { InvoiceIdKey, TenantIdKey } from '../domain/search-attributes';
import type { StripeEventFacts } from '../domain/stripe-event';
import { stripeEventWorkflowId } from '../domain/workflow-ids';
import { taskQueueFor } from '../temporal/task-queues';
import type { stripeEvent } from '../workflows/stripe-event';

export async function startStripeEvent(
  client: Client,
  config: Config,
  tenantId: string,
  event: StripeEventFacts,
): Promise<{ workflowId: string; outcome: 'accepted' | 'duplicate' }> {
  const workflowId = stripeEventWorkflowId(tenantId, event.eventId);
  try {
    await client.workflow.start<typeof stripeEvent>('stripeEvent', {
      workflowId,
      taskQueue: taskQueueFor(config, 'stripeEvent'),
      args: [
        { tenantId, event, emailRetry: config.emailRetry, deliveryTaskQueue: taskQueueFor(config, 'emailDelivery') },
      ],
      typedSearchAttributes: [
        { key: TenantIdKey, value: tenantId },
        ...(event.invoiceId ? [{ key: InvoiceIdKey, value: event.invoiceId }] : []),
      ],
      // Refused while the event's run is open or after it completed. A run that failed or was
      // terminated may be started again by a redelivery: its claim row says whether the effect
      // was applied, and the new run then only repeats what follows it.
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    });
    return { workflowId, outcome: 'accepted' };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, outcome: 'duplicate' };
    throw err;
  }
}
