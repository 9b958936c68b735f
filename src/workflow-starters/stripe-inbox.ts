// Hands a verified Stripe event to its tenant's inbox (stripe-inbox:<tenant>) by signal-with-start:
// once Temporal has stored the signal the event is durable, whether or not a worker is up, and the
// webhook can answer 200. While the inbox runs this costs what a bare signal does; the inbox then
// starts the event's own stripeEvent run, which Temporal refuses for an event id it has seen.
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { TenantIdKey } from '../domain/search-attributes';
import type { StripeEventFacts } from '../domain/stripe-event';
import { stripeInboxWorkflowId } from '../domain/workflow-ids';
import { taskQueueFor } from '../temporal/task-queues';
import type { stripeInbox } from '../workflows/stripe-inbox';
import { stripeEventReceivedSignal } from '../workflows/stripe-inbox.contract';

export async function handStripeEventToInbox(
  client: Client,
  config: Config,
  tenantId: string,
  event: StripeEventFacts,
): Promise<{ workflowId: string }> {
  const workflowId = stripeInboxWorkflowId(tenantId);
  await client.workflow.signalWithStart<typeof stripeInbox, [StripeEventFacts]>('stripeInbox', {
    workflowId,
    taskQueue: taskQueueFor(config, 'stripeInbox'),
    args: [{ tenantId, emailRetry: config.emailRetry, deliveryTaskQueue: taskQueueFor(config, 'emailDelivery') }],
    typedSearchAttributes: [{ key: TenantIdKey, value: tenantId }],
    signal: stripeEventReceivedSignal,
    signalArgs: [event],
  });
  return { workflowId };
}
