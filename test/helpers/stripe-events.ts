// The webhook answers once the event is in its business's stripeInbox; the inbox then starts the
// event's own stripeEvent run. These wait for that run, for tests that check what it did.
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { stripeEventWorkflowId } from '../../src/domain/workflow-ids';
import type { stripeEvent } from '../../src/workflows/stripe-event';
import type { StripeEventResult } from '../../src/workflows/stripe-event.contract';
import { eventually } from './eventually';

/** The event's stripeEvent run, once its inbox has started it (a worker must be up). */
export async function stripeEventRun(
  temporal: Client,
  tenantId: string,
  eventId: string,
): Promise<WorkflowHandle<typeof stripeEvent>> {
  const handle = temporal.workflow.getHandle<typeof stripeEvent>(stripeEventWorkflowId(tenantId, eventId));
  await eventually(
    () =>
      handle.describe().catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }),
    20_000,
    `the stripeEvent run of ${eventId}`,
  );
  return handle;
}

/** What the event's run did, once it has ended. */
export async function stripeEventResult(
  temporal: Client,
  tenantId: string,
  eventId: string,
): Promise<StripeEventResult> {
  return (await stripeEventRun(temporal, tenantId, eventId)).result();
}
