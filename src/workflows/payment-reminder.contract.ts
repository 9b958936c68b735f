// The paymentReminder contract: the invoice and its plan in, the story of its reminders out; the
// signals the invoices API and the Stripe webhook send (paid, void, pause, resume, reschedule) and
// the status query the invoice's `reminders` block reads.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { EmailRetryPolicy } from '../domain/email';
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

export const paidSignal = defineSignal<[{ method?: string }?]>('paid');
export const voidSignal = defineSignal('void');
/** Holds every step until resumed; none is lost. */
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const rescheduleSignal = defineSignal<[{ dueDate: string; plan: PlannedReminder[] }]>('reschedule');
export const paymentReminderStatusQuery = defineQuery<PaymentReminderStatus>('status');
