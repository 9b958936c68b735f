// Names and types shared by workflows, the API and the worker: signals, queries and I/O types.
// Imported by the workflow bundle, so nothing here may do I/O.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { EmailRetryPolicy, EmailStatus } from '../domain/email';
import type { GuardianReport, MessageCheckpoint } from '../domain/guardian';
import type { PlannedReminder } from '../domain/reminder-schedule';
import type { SmsStatus } from '../domain/sms';

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

// --- calendarPing --------------------------------------------------------------------------

export interface CalendarPingInput {
  tenantId: string;
}

export interface CalendarPingResult {
  status: 'ok';
  calendarId: string;
}

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

// --- smsDelivery ---------------------------------------------------------------------------

export interface SmsDeliveryInput {
  tenantId: string;
  smsId: string;
  /** The same policy as email (EMAIL_RETRY_*), from config at start. */
  retry: EmailRetryPolicy;
}

export interface SmsDeliveryResult {
  smsId: string;
  status: SmsStatus;
  twilioSid?: string;
  error?: string;
}

export const smsDeliveryStatusQuery = defineQuery<{ phase: 'sending' | 'done'; result: SmsDeliveryResult | null }>('status');

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

// --- mailboxSync / mailboxWatch (inbound Gmail) -----------------------------------------------

/** One pass over a mailbox's new mail, as the syncMailbox activity reports it. */
export interface MailboxPassResult {
  /** `synced`: the cursor is current. The others end the workflow: there is nothing to sync with. */
  outcome: 'synced' | 'disconnected' | 'reauth_required';
  /** `history`: history.list from the cursor; `full`: the newest inbox messages (no cursor yet, or history gone). */
  mode: 'history' | 'full' | null;
  stored: number;
  /** Already stored, our own sent mail, drafts, spam or trash, or gone before it could be read. */
  skipped: number;
  /** The cursor after the pass. */
  historyId: string | null;
}

export interface MailboxPassSummary extends Partial<MailboxPassResult> {
  at: string;
  trigger: 'notification' | 'fallback';
  /** Set when the pass failed (after the activity's retries); the next signal or timer tries again. */
  error?: string;
}

/** What a run hands to the next one at continue-as-new. */
export interface MailboxSyncCarry {
  passes: number;
  notifications: number;
  owed: boolean;
  owedUpTo: string | null;
  syncedHistoryId: string | null;
  lastPass: MailboxPassSummary | null;
}

export interface MailboxSyncInput {
  tenantId: string;
  mailboxId: string;
  /** From config (GMAIL_SYNC_FALLBACK_SECONDS): a pass runs at least this often without pushes. */
  fallbackIntervalMs: number;
  carried?: MailboxSyncCarry;
}

export interface MailboxSyncStatus {
  state: 'waiting' | 'syncing';
  passes: number;
  notifications: number;
  /** A pass is owed for notifications (or a request) the last pass did not cover. */
  owed: boolean;
  syncedHistoryId: string | null;
  lastPass: MailboxPassSummary | null;
}

/**
 * "The mailbox changed": from the Gmail webhook (with the notification's history id, used only to
 * tell a repeat from news; the sync always reads from its own cursor) or from a connect (no id:
 * always a pass).
 */
export const mailboxChangedSignal = defineSignal<[{ historyId?: string }]>('mailboxChanged');
export const mailboxSyncStatusQuery = defineQuery<MailboxSyncStatus>('status');

export interface MailboxWatchInput {
  tenantId: string;
  mailboxId: string;
  /** From config (GMAIL_WATCH_RENEW_HOURS). */
  renewEveryMs: number;
  /** Carried over continue-as-new: the renewal count so far. */
  renewals?: number;
}

export interface MailboxWatchRenewal {
  outcome: 'watching' | 'disconnected' | 'reauth_required';
  historyId: string | null;
  expiresAt: string | null;
}

export interface MailboxWatchStatus {
  renewals: number;
  lastRenewal: (MailboxWatchRenewal & { at: string }) | null;
  lastError: string | null;
  nextRenewalAt: string | null;
}

/** Renew the watch now (a reconnect, or ops). */
export const renewWatchSignal = defineSignal('renewWatch');
export const mailboxWatchStatusQuery = defineQuery<MailboxWatchStatus>('status');

// --- guardian (one per tenant: checks and content safety) -----------------------------------

/** What a run hands to the next one at continue-as-new: nothing a pass learned is lost. */
export interface GuardianCarry {
  paused: boolean;
  /** A runNow that arrived while the last run was finishing. */
  runNowPending: boolean;
  passes: number;
  /** When the next scheduled pass is due (ISO). */
  nextDueAt: string;
  checkpoint: MessageCheckpoint | null;
  /** findingKey() of every open finding the owner was alerted about: never alerted twice. */
  alerted: string[];
  lastReport: GuardianReport | null;
}

export interface GuardianInput {
  tenantId: string;
  /** From config (GUARDIAN_INTERVAL_MINUTES): the time between scheduled passes. */
  intervalMs: number;
  /** From config (GUARDIAN_PASSES_PER_RUN): continue-as-new after at most this many passes. */
  passesPerRun: number;
  /** For the owner alerts' emailDelivery children (EMAIL_RETRY_*). */
  emailRetry: EmailRetryPolicy;
  carried?: GuardianCarry;
}

export interface GuardianStatus {
  state: 'running' | 'paused';
  /** `checking` while a pass runs. */
  phase: 'waiting' | 'checking';
  /** Passes completed, across continue-as-new. */
  passes: number;
  lastRunAt: string | null;
  /** The next scheduled pass; null while paused. */
  nextRunAt: string | null;
  checkpoint: MessageCheckpoint | null;
  lastReport: GuardianReport | null;
}

/** Runs one pass at once (also while paused: pausing stops the schedule, not an explicit ask). */
export const guardianRunNowSignal = defineSignal('runNow');
/** pause / resume are the shared pauseSignal / resumeSignal: the schedule stops and restarts. */
export const guardianReportQuery = defineQuery<GuardianStatus>('report');

// --- housekeeping --------------------------------------------------------------------------

export interface HousekeepingInput {
  intervalMs: number;
  /** Continue-as-new after this many passes, so the history stays small. */
  passesPerRun: number;
  /** Carried over continue-as-new, so the status query still shows it. */
  lastPass?: HousekeepingPass | null;
}

export interface HousekeepingPass {
  at: string;
  purged: { rateLimits: number; refreshTokens: number; oauthStates: number; idempotencyKeys: number };
}

export const housekeepingStatusQuery = defineQuery<{ passes: number; lastPass: HousekeepingPass | null; nextPassAt: string | null }>('status');
export const housekeepingRunNowSignal = defineSignal('runNow');
