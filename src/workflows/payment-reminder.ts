// One durable workflow per invoice (workflowId invoice:<tenant>:<invoice>). It makes the Stripe
// payment link, then waits on durable timers for each reminder step; signals (paid, void, pause,
// resume, reschedule) interrupt the waits. Email goes out through the emailDelivery workflow as a
// child, whose send re-checks that the invoice is still open, so a payment that lands at any
// moment wins over a reminder.
import {
  CancellationScope,
  condition,
  executeChild,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { createPaymentReminderActivities } from '../activities/payment-reminders';
import type { PlannedReminder } from '../domain/reminder-schedule';
import { EmailIdKey, InvoiceIdKey, TenantIdKey } from '../domain/search-attributes';
import { emailWorkflowId } from '../domain/workflow-ids';
import {
  paidSignal,
  pauseSignal,
  paymentReminderStatusQuery,
  rescheduleSignal,
  resumeSignal,
  voidSignal,
  type PaymentReminderInput,
  type PaymentReminderOutcome,
  type PaymentReminderStatus,
  type ReminderChannel,
  type SentReminder,
} from './payment-reminder.contract';
import { emailDelivery } from './email-delivery';
import type { EmailDeliveryResult } from './email-delivery.contract';

type Activities = ReturnType<typeof createPaymentReminderActivities>;

/** After the last reminder the workflow waits this long for a payment, then ends as overdue. */
const PAYMENT_WAIT_AFTER_LAST_REMINDER = '90 days';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export async function paymentReminder(input: PaymentReminderInput): Promise<PaymentReminderStatus> {
  const { tenantId, invoiceId } = input;
  let plan: PlannedReminder[] = input.plan.filter((p) => p.status === 'scheduled');
  let planVersion = 0;
  let paused = false;
  let outcome: PaymentReminderOutcome | null = null;
  let remindersDone = false;
  let paymentUrl: string | null = null;
  const handled = new Set<number>();
  const sent: SentReminder[] = [];

  setHandler(paidSignal, () => void (outcome ??= 'paid'));
  setHandler(voidSignal, () => void (outcome ??= 'void'));
  setHandler(pauseSignal, () => void (paused = true));
  setHandler(resumeSignal, () => {
    paused = false;
    planVersion++;
  });
  setHandler(rescheduleSignal, ({ plan: next }) => {
    plan = next.filter((p) => p.status === 'scheduled' && !handled.has(p.step));
    planVersion++;
  });
  setHandler(paymentReminderStatusQuery, () => status());

  function status(): PaymentReminderStatus {
    const upcoming = outcome || paused || remindersDone ? undefined : pendingSteps()[0];
    return {
      state: outcome || remindersDone ? 'done' : paused ? 'paused' : 'scheduled',
      outcome,
      nextReminderAt: upcoming ? new Date(Math.max(Date.parse(upcoming.at), Date.now())).toISOString() : null,
      paymentUrl,
      sent: [...sent],
    };
  }

  function pendingSteps(): PlannedReminder[] {
    return plan.filter((p) => !handled.has(p.step)).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }

  /**
   * The step to send next. When several are already due (after a pause, a reschedule or a worker
   * outage), only the latest goes out and the earlier ones are skipped: one reminder, not a burst.
   */
  function nextStep(): PlannedReminder | undefined {
    const pending = pendingSteps();
    const due = pending.filter((p) => Date.parse(p.at) <= Date.now());
    for (const stale of due.slice(0, -1)) handled.add(stale.step);
    return due[due.length - 1] ?? pending[0];
  }

  try {
    paymentUrl = (await acts.createPaymentLink({ tenantId, invoiceId })).url;

    while (outcome === null) {
      if (paused) {
        await condition(() => !paused || outcome !== null);
        continue;
      }
      const step = nextStep();
      if (!step) break;
      const version = planVersion;
      const waitMs = Date.parse(step.at) - Date.now();
      if (waitMs > 0) {
        const interrupted = await condition(() => outcome !== null || paused || planVersion !== version, waitMs);
        if (interrupted) continue;
      }
      await sendStep(step.step);
      handled.add(step.step);
    }

    remindersDone = true;
    if (outcome === null) {
      const overdue = await acts.flagInvoiceOverdue({ tenantId, invoiceId, ownerEmailId: uuid4() });
      if (overdue.ownerEmailId) await deliverEmail(overdue.ownerEmailId);
      // No more reminders, but a late payment still closes the invoice's story here.
      if (!(await condition(() => outcome !== null, PAYMENT_WAIT_AFTER_LAST_REMINDER))) outcome = 'overdue';
    }
    return status();
  } catch (err) {
    if (isCancellation(err)) {
      outcome = 'cancelled';
      // Cancelled from the Temporal UI or the ops API: say so on the invoice, whoever did it.
      await CancellationScope.nonCancellable(() =>
        acts.recordRemindersCancelled({ tenantId, invoiceId, workflowId: workflowInfo().workflowId, runId: workflowInfo().runId }),
      );
    }
    throw err;
  }

  async function sendStep(step: number): Promise<void> {
    let emailNeeded = input.channels.includes('email');
    if (input.channels.includes('sms')) {
      const sms = await acts.sendReminderSms({ tenantId, invoiceId, step, smsId: uuid4() });
      record(step, 'sms', sms.status);
      if (sms.invoiceClosed) return void (outcome ??= sms.invoiceClosed);
      // A client who opted out of SMS still hears about it, by email.
      if (sms.status === 'opted_out' || sms.status === 'skipped') emailNeeded = true;
    }
    if (!emailNeeded) return;
    const prepared = await acts.prepareReminderEmail({ tenantId, invoiceId, step, emailId: uuid4() });
    if (prepared.invoiceClosed) return void (outcome ??= prepared.invoiceClosed);
    if (!prepared.emailId) return record(step, 'email', 'skipped');
    const result = await deliverEmail(prepared.emailId);
    const emailStatus = result.status === 'sent' ? 'sent' : result.status === 'cancelled' ? 'cancelled' : 'failed';
    record(step, 'email', emailStatus);
    await acts.recordReminderOutcome({ tenantId, invoiceId, step, channel: 'email', status: emailStatus, emailId: prepared.emailId, detail: result.error ?? null });
  }

  function deliverEmail(emailId: string): Promise<EmailDeliveryResult> {
    return executeChild(emailDelivery, {
      workflowId: emailWorkflowId(tenantId, emailId),
      args: [{ tenantId, emailId, retry: input.emailRetry }],
      typedSearchAttributes: [
        { key: TenantIdKey, value: tenantId },
        { key: EmailIdKey, value: emailId },
        { key: InvoiceIdKey, value: invoiceId },
      ],
      // Cancelling the reminders cancels an email in flight; a terminated reminder workflow
      // leaves it to settle (its guard, invoice still open, decides whether it is sent).
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  }

  function record(step: number, channel: ReminderChannel, s: SentReminder['status']): void {
    sent.push({ step, channel, at: new Date(Date.now()).toISOString(), status: s });
  }
}
