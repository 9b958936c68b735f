// The paymentReminder contract: the invoice and its plan in, the story of its reminders out; the
// signals the invoices API and the Stripe webhook send (paid, void, pause, resume, reschedule),
// the same actions as Workflow Updates for operators (the `temporal` CLI, the Web UI, the ops
// API), whose validators refuse a wrong request before it reaches the history, and the status
// query the invoice's `reminders` block reads.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EmailRetryPolicy } from '../domain/email';
import type { PaidArgs, RescheduleArgs } from '../domain/reminder-actions';
import type { PlannedReminder } from '../domain/reminder-schedule';

export type ReminderChannel = 'email' | 'sms';

export interface PaymentReminderInput {
  tenantId: string;
  invoiceId: string;
  clientId: string;
  channels: ReminderChannel[];
  /** Computed by the API from the due date, schedule and client time zone (planReminders). */
  plan: PlannedReminder[];
  emailRetry: EmailRetryPolicy;
  /**
   * The task queue of its emailDelivery children (the delivery queue: temporal/task-queues.ts),
   * from config at start. Absent in runs started before the queues were split: their children run
   * on the parent's queue, as they always did.
   */
  deliveryTaskQueue?: string;
}

export type PaymentReminderOutcome = 'paid' | 'void' | 'overdue' | 'cancelled';

export interface SentReminder {
  step: number;
  channel: ReminderChannel;
  at: string;
  status: 'sent' | 'failed' | 'skipped' | 'cancelled' | 'opted_out';
}

export interface PaymentReminderStatus {
  state: 'scheduled' | 'paused' | 'done';
  outcome: PaymentReminderOutcome | null;
  nextReminderAt: string | null;
  paymentUrl: string | null;
  sent: SentReminder[];
}

// Signals: a wrong shape is logged and ignored. `recorded: true` says the sender (the API, the
// Stripe webhook) already wrote the invoice row; without it the workflow writes it and audits it
// as done through Temporal.
export const paidSignal = defineSignal<[PaidArgs?]>('paid');
export const voidSignal = defineSignal<[{ recorded?: boolean }?]>('void');
/** Holds every step until resumed; none is lost. */
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const rescheduleSignal = defineSignal<[RescheduleArgs]>('reschedule');

// Updates, under the signals' names: the caller waits for the outcome and gets the status, or the
// validator's reason (reminders already finished, a wrong shape) with nothing written to history.
export const pauseUpdate = defineUpdate<PaymentReminderStatus>('pause');
export const resumeUpdate = defineUpdate<PaymentReminderStatus>('resume');
export const rescheduleUpdate = defineUpdate<PaymentReminderStatus, [RescheduleArgs]>('reschedule');
/** Paid by hand (cash at the desk), as POST /api/invoices/:id/mark-paid records it. */
export const markPaidUpdate = defineUpdate<PaymentReminderStatus, [PaidArgs]>('paid');

export const paymentReminderStatusQuery = defineQuery<PaymentReminderStatus>('status');
