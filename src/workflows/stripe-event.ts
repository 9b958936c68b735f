// One verified Stripe event (workflowId stripe-event:<tenant>:<Stripe event id>), started by its
// tenant's stripeInbox (stripe-inbox.ts), which the webhook signals: the event is Temporal's to
// keep from that signal on, whether or not a worker is up. The activity claims the event id and applies the effect in
// one transaction; then this workflow tells the invoice's paymentReminder (paid, or pause on a
// dispute; a run that has already ended needs nothing) and sends the owner's dispute alert
// through its own emailDelivery workflow.
import {
  ApplicationFailure,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  proxyActivities,
  startChild,
  type SignalDefinition,
  uuid4,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createStripeEventActivities } from '../activities/stripe-events';
import { InvoiceIdKey } from '../domain/search-attributes';
import { emailDelivery } from './email-delivery';
import { emailDeliveryChild } from './email-delivery-child';
import { paidSignal, pauseSignal } from './payment-reminder.contract';
import type { StripeEventInput, StripeEventResult } from './stripe-event.contract';

const acts = proxyActivities<ReturnType<typeof createStripeEventActivities>>({
  startToCloseTimeout: '30 seconds',
  // No attempt limit: a database that is down for a while delays the effect, never drops it.
  // What cannot succeed on any try fails at once (the activity's permanent failures).
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function stripeEvent(input: StripeEventInput): Promise<StripeEventResult> {
  const { tenantId } = input;
  const applied = await acts.applyStripeEvent({ tenantId, event: input.event, alertEmailId: uuid4() });
  let signalled: StripeEventResult['signalled'] = null;
  const reminders = applied.reminderWorkflowId;
  // The row is already paid: `recorded` tells the reminders not to write it again.
  if (
    reminders &&
    applied.outcome === 'paid' &&
    (await signalIfRunning(reminders, paidSignal, { method: 'stripe', recorded: true }))
  )
    signalled = 'paid';
  if (reminders && applied.outcome === 'dispute_recorded' && (await signalIfRunning(reminders, pauseSignal)))
    signalled = 'pause';
  if (applied.alertEmailId) await deliverAlert(input, applied.alertEmailId, applied.invoiceId);
  return { outcome: applied.outcome, invoiceId: applied.invoiceId, signalled, alertEmailId: applied.alertEmailId };
}

/**
 * False when the reminder workflow has already ended (paid by hand, voided, all reminders done
 * and the wait over) or was never started: there is nothing left to tell it.
 */
async function signalIfRunning<Args extends unknown[]>(
  workflowId: string,
  signal: SignalDefinition<Args>,
  ...args: Args
): Promise<boolean> {
  try {
    await getExternalWorkflowHandle(workflowId).signal(signal, ...args);
    return true;
  } catch (err) {
    // What the SDK reports when the server answers that the run is closed or unknown.
    if (err instanceof ApplicationFailure && err.type === 'ExternalWorkflowExecutionNotFound') return false;
    throw err;
  }
}

/** Started, not awaited, and left to run on its own (ABANDON): a delivery may retry for hours while Gmail is down. */
async function deliverAlert(input: StripeEventInput, emailId: string, invoiceId: string | null): Promise<void> {
  const { tenantId, emailRetry: retry, deliveryTaskQueue } = input;
  try {
    await startChild(emailDelivery, {
      ...emailDeliveryChild(
        { tenantId, emailId, retry },
        invoiceId ? [{ key: InvoiceIdKey, value: invoiceId }] : [],
        deliveryTaskQueue,
      ),
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (err) {
    // A retried run that had already started it.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
