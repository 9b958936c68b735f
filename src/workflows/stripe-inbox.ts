// A tenant's Stripe inbox (workflowId stripe-inbox:<tenant>): the webhook's durable hand-off. Each
// verified event arrives as a signal; the inbox starts its stripeEvent run (stripe-event:<tenant>:
// <event id>) and leaves it to run on its own. Temporal refuses a second run for an event id, so a
// redelivery that reaches the inbox after its first copy was handed on changes nothing; copies
// within one run are dropped before that. The inbox closes after an hour without events (the next
// event starts it again) and continues as new every EVENTS_PER_RUN events, carrying what is pending.
import {
  condition,
  continueAsNew,
  ParentClosePolicy,
  setHandler,
  startChild,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { InvoiceIdKey, TenantIdKey } from '../domain/search-attributes';
import type { StripeEventFacts } from '../domain/stripe-event';
import { stripeEventWorkflowId } from '../domain/workflow-ids';
import { stripeEvent } from './stripe-event';
import {
  stripeEventReceivedSignal,
  stripeInboxStatusQuery,
  type StripeInboxInput,
  type StripeInboxResult,
} from './stripe-inbox.contract';

/** Events per run before continue-as-new: each costs the history about ten events. */
export const EVENTS_PER_RUN = 200;
/** How long an inbox waits for the next event before it closes. */
export const IDLE_CLOSE_MS = 60 * 60 * 1000;

export async function stripeInbox(input: StripeInboxInput): Promise<StripeInboxResult> {
  const pending = [...(input.pending ?? [])];
  const seen = new Set(pending.map((e) => e.eventId));
  let handedOn = input.handedOn ?? 0;
  let duplicates = input.duplicates ?? 0;
  setHandler(stripeEventReceivedSignal, (event) => {
    if (seen.has(event.eventId)) {
      duplicates += 1;
      return;
    }
    seen.add(event.eventId);
    pending.push(event);
  });
  setHandler(stripeInboxStatusQuery, () => ({ pending: pending.length, handedOn, duplicates }));

  let thisRun = 0;
  while (thisRun < EVENTS_PER_RUN && !workflowInfo().continueAsNewSuggested) {
    // An event that arrives as the inbox closes is not lost: Temporal refuses to close a run with
    // a signal it has not seen, and the run goes on with it.
    if (!(await condition(() => pending.length > 0, IDLE_CLOSE_MS))) return { handedOn, duplicates };
    const batch = pending.splice(0, EVENTS_PER_RUN - thisRun);
    const started = await Promise.all(batch.map((event) => handOn(input, event)));
    for (const fresh of started) {
      if (fresh) handedOn += 1;
      else duplicates += 1;
    }
    thisRun += batch.length;
  }
  return continueAsNew<typeof stripeInbox>({ ...input, pending, handedOn, duplicates });
}

/** Starts the event's own run, left to finish on its own; false when the event id already had one. */
async function handOn(input: StripeInboxInput, event: StripeEventFacts): Promise<boolean> {
  const { tenantId, emailRetry, deliveryTaskQueue } = input;
  try {
    await startChild(stripeEvent, {
      workflowId: stripeEventWorkflowId(tenantId, event.eventId),
      args: [{ tenantId, event, emailRetry, ...(deliveryTaskQueue ? { deliveryTaskQueue } : {}) }],
      typedSearchAttributes: [
        { key: TenantIdKey, value: tenantId },
        ...(event.invoiceId ? [{ key: InvoiceIdKey, value: event.invoiceId }] : []),
      ],
      // Refused while the event's run is open or after it completed. A run that failed or was
      // terminated may be started again by a redelivery: its claim row says whether the effect
      // was applied, and the new run then only repeats what follows it.
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}
