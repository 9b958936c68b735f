// The mailboxSync contract (inbound Gmail): the mailbox in, what each pass did, what a run carries
// over continue-as-new, the mailboxChanged signal (Gmail push, connect, ops) and the status query.
import { defineQuery, defineSignal } from '@temporalio/workflow';

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
