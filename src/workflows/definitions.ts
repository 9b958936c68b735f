// Names and types shared by workflows, the API and the worker: signals, queries and I/O types.
// Imported by the workflow bundle, so nothing here may do I/O.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { EmailRetryPolicy, EmailStatus } from '../domain/email';
import type { PlannedReminder } from '../domain/reminder-schedule';

export interface ProbeInput {
  /** Workflow time to sleep before answering; lets tests prove durable timers. */
  sleepMs?: number;
  note?: string;
}

export interface ProbeResult {
  databaseOk: boolean;
  note: string | null;
  startedAt: string;
  finishedAt: string;
}

export const probeStatusQuery = defineQuery<{ phase: 'sleeping' | 'checking' | 'done' }>('status');

// --- emailDelivery -------------------------------------------------------------------------

export interface EmailDeliveryInput {
  tenantId: string;
  emailId: string;
  /** From config (EMAIL_RETRY_*) at start; the workflow cannot read config itself. */
  retry: EmailRetryPolicy;
}

export interface EmailDeliveryResult {
  emailId: string;
  status: EmailStatus;
  gmailMessageId?: string;
  error?: string;
}

export const emailDeliveryStatusQuery = defineQuery<{ phase: 'sending' | 'done'; result: EmailDeliveryResult | null }>('status');

// --- paymentReminder -----------------------------------------------------------------------

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
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const rescheduleSignal = defineSignal<[{ dueDate: string; plan: PlannedReminder[] }]>('reschedule');
export const paymentReminderStatusQuery = defineQuery<PaymentReminderStatus>('status');
