// The mailboxWatch contract: the mailbox and renewal period in, what each users.watch renewal
// answered, the renewWatch signal and the status query.
import { defineQuery, defineSignal } from '@temporalio/workflow';

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
