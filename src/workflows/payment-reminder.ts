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
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { createPaymentReminderActivities } from '../activities/payment-reminders';
import { readPaidArgs, readRescheduleArgs, type PaidArgs, type RescheduleArgs } from '../domain/reminder-actions';
import { overdueFrom, type PlannedReminder } from '../domain/reminder-schedule';
import { nextStep, pendingSteps } from '../domain/reminder-steps';
import { InvoiceIdKey } from '../domain/search-attributes';
import {
  markPaidUpdate,
  paidSignal,
  pauseSignal,
  pauseUpdate,
  paymentReminderStatusQuery,
  rescheduleSignal,
  rescheduleUpdate,
  resumeSignal,
  resumeUpdate,
  voidSignal,
  type PaymentReminderInput,
  type PaymentReminderOutcome,
  type PaymentReminderStatus,
  type ReminderChannel,
  type SentReminder,
} from './payment-reminder.contract';
import { emailDelivery } from './email-delivery';
import { emailDeliveryChild } from './email-delivery-child';
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
  /** The whole plan, skipped steps too: what says when the due date has ended (overdueFrom). */
  let fullPlan: readonly PlannedReminder[] = input.plan;
  let planVersion = 0;
  let paused = false;
  let outcome: PaymentReminderOutcome | null = null;
  let remindersDone = false;
  let paymentUrl: string | null = null;
  const handled = new Set<number>();
  const sent: SentReminder[] = [];
  /** A paid or void the invoice row does not know yet (sent from the CLI or the UI). */
  let unrecorded: { outcome: 'paid' | 'void'; method: string | null } | null = null;

  function close(closing: 'paid' | 'void', args: { method?: string; recorded?: boolean }): void {
    if (outcome !== null) return;
    outcome = closing;
    if (!args.recorded) unrecorded = { outcome: closing, method: args.method ?? null };
  }
  function pause(): void {
    paused = true;
  }
  function resume(): void {
    paused = false;
    planVersion++;
  }
  function reschedule({ plan: next }: RescheduleArgs): void {
    plan = next.filter((p) => p.status === 'scheduled' && !handled.has(p.step));
    fullPlan = next;
    planVersion++;
  }
  const finished = () => outcome !== null || remindersDone;
  /** Signals cannot answer: a wrong shape is logged (the worker's log, with the workflow id) and changes nothing. */
  function ignored(signal: string, problem: string): void {
    log.warn(`ignored a ${signal} signal: ${problem}`, { signal });
  }

  setHandler(paidSignal, (arg?: PaidArgs) => {
    const read = readPaidArgs(arg);
    if (read.ok) close('paid', read.value);
    else ignored('paid', read.problem);
  });
  setHandler(voidSignal, (arg?: { recorded?: boolean }) => close('void', { recorded: arg?.recorded === true }));
  setHandler(pauseSignal, pause);
  setHandler(resumeSignal, resume);
  setHandler(rescheduleSignal, (arg: unknown) => {
    const read = readRescheduleArgs(arg);
    if (read.ok) reschedule(read.value);
    else ignored('reschedule', read.problem);
  });

  // The same actions as updates: refused with the reason when they cannot apply, before they
  // reach the history; otherwise applied, answering the new status.
  const notFinished = () => {
    if (finished()) throw new Error(`the reminders have already finished (${outcome ?? 'all sent'})`);
  };
  setHandler(pauseUpdate, () => (pause(), status()), { validator: notFinished });
  setHandler(resumeUpdate, () => (resume(), status()), { validator: notFinished });
  // The validator ran first: the handler sees only arguments it accepted.
  setHandler(rescheduleUpdate, (args) => (reschedule(args), status()), {
    validator: (args: unknown) => {
      notFinished();
      const read = readRescheduleArgs(args);
      if (!read.ok) throw new Error(read.problem);
    },
  });
  setHandler(
    markPaidUpdate,
    (args?: PaidArgs) => (close('paid', { method: args?.method, recorded: args?.recorded === true }), status()),
    {
      // A late payment still counts after the last reminder (the workflow waits for it): only an
      // outcome closes the door.
      validator: (args?: unknown) => {
        if (outcome !== null) throw new Error(`the invoice is already ${outcome}`);
        const read = readPaidArgs(args);
        if (!read.ok) throw new Error(read.problem);
      },
    },
  );
  setHandler(paymentReminderStatusQuery, () => status());

  function status(): PaymentReminderStatus {
    const upcoming = outcome || paused || remindersDone ? undefined : pendingSteps(plan, handled)[0];
    return {
      state: outcome || remindersDone ? 'done' : paused ? 'paused' : 'scheduled',
      outcome,
      nextReminderAt: upcoming ? new Date(Math.max(Date.parse(upcoming.at), Date.now())).toISOString() : null,
      paymentUrl,
      sent: [...sent],
    };
  }

  /** The step to send next (domain/reminder-steps.ts); the earlier ones already due are skipped. */
  function takeNextStep(): PlannedReminder | undefined {
    const { step, skipped } = nextStep(plan, handled, Date.now());
    for (const s of skipped) handled.add(s);
    return step;
  }

  try {
    paymentUrl = (await acts.createPaymentLink({ tenantId, invoiceId })).url;

    while (outcome === null) {
      if (paused) {
        await condition(() => !paused || outcome !== null);
        continue;
      }
      const step = takeNextStep();
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
    // The last step may be on the due date itself (scheduleDays [0], or [-3, 0]): the invoice is
    // overdue only once that day has ended, in the client's zone. A payment meanwhile wins.
    if (outcome === null && patched('overdue-after-due-date')) {
      const from = overdueFrom(fullPlan);
      const waitMs = from === null ? 0 : from - Date.now();
      if (waitMs > 0) await condition(() => outcome !== null, waitMs);
    }
    if (outcome === null) {
      // The owner hears about it in the next morning's overdue digest (overdueDigestPass), one
      // email for all the business's newly overdue invoices; runs that already sent the alert of
      // their own before this change replay it.
      if (patched('overdue-owner-digest')) {
        // The workflow's clock, as the digest pass's cutoff is: both are Temporal's time.
        await acts.flagInvoiceOverdueForDigest({ tenantId, invoiceId, overdueAt: new Date(Date.now()).toISOString() });
      } else {
        const overdue = await acts.flagInvoiceOverdue({ tenantId, invoiceId, ownerEmailId: uuid4() });
        if (overdue.ownerEmailId) await deliverEmail(overdue.ownerEmailId);
      }
      // No more reminders, but a late payment still closes the invoice's story here.
      if (!(await condition(() => outcome !== null, PAYMENT_WAIT_AFTER_LAST_REMINDER))) outcome = 'overdue';
    }
    // Paid or voided from the CLI or the UI: the invoice row follows, audited as done through
    // Temporal (before this change such a workflow ended with the invoice still open).
    if (unrecorded && patched('invoice-row-follows-temporal')) {
      const { outcome: closing, method } = unrecorded;
      await acts.recordOutcomeFromTemporal({
        tenantId,
        invoiceId,
        outcome: closing,
        method,
        workflowId: workflowInfo().workflowId,
        runId: workflowInfo().runId,
      });
    }
    return status();
  } catch (err) {
    if (isCancellation(err)) {
      outcome = 'cancelled';
      // Cancelled from the Temporal UI or the ops API: say so on the invoice, whoever did it.
      await CancellationScope.nonCancellable(() =>
        acts.recordRemindersCancelled({
          tenantId,
          invoiceId,
          workflowId: workflowInfo().workflowId,
          runId: workflowInfo().runId,
        }),
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
    await acts.recordReminderOutcome({
      tenantId,
      invoiceId,
      step,
      channel: 'email',
      status: emailStatus,
      emailId: prepared.emailId,
      detail: result.error ?? null,
    });
  }

  function deliverEmail(emailId: string): Promise<EmailDeliveryResult> {
    return executeChild(emailDelivery, {
      ...emailDeliveryChild(
        { tenantId, emailId, retry: input.emailRetry },
        [{ key: InvoiceIdKey, value: invoiceId }],
        input.deliveryTaskQueue,
      ),
      // Cancelling the reminders cancels an email in flight; a terminated reminder workflow
      // leaves it to settle (its guard, invoice still open, decides whether it is sent).
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  }

  function record(step: number, channel: ReminderChannel, s: SentReminder['status']): void {
    sent.push({ step, channel, at: new Date(Date.now()).toISOString(), status: s });
  }
}
