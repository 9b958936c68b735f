// How a workflow that sends an email starts its emailDelivery child: the id, the input, the
// search attributes (TenantId, EmailId, and what the parent adds, e.g. its InvoiceId) and the task
// queue, written once for the reminders, bookings, the guardian and the reply agent. The parent
// picks start or execute and the parent-close policy.
import type { SearchAttributePair } from '@temporalio/common';
import { patched } from '@temporalio/workflow';
import { EmailIdKey, TenantIdKey } from '../domain/search-attributes';
import { emailWorkflowId } from '../domain/workflow-ids';
import type { EmailDeliveryInput } from './email-delivery.contract';

/**
 * The child on the delivery queue (its parent's `deliveryTaskQueue` input) instead of the parent's
 * own. The task queue is one of the start command's attributes: a run that started a child before
 * this replays without the marker and keeps starting it on the parent's queue.
 */
export const DELIVERY_TASK_QUEUE_PATCH = 'email-child-on-delivery-queue';

export function emailDeliveryChild(
  input: EmailDeliveryInput,
  also: SearchAttributePair[] = [],
  deliveryTaskQueue?: string,
) {
  return {
    workflowId: emailWorkflowId(input.tenantId, input.emailId),
    args: [input] as [EmailDeliveryInput],
    typedSearchAttributes: [
      { key: TenantIdKey, value: input.tenantId },
      { key: EmailIdKey, value: input.emailId },
      ...also,
    ] as SearchAttributePair[],
    // Runs started before the queues were split have no deliveryTaskQueue: no marker, no change.
    ...(deliveryTaskQueue !== undefined && patched(DELIVERY_TASK_QUEUE_PATCH) ? { taskQueue: deliveryTaskQueue } : {}),
  };
}
