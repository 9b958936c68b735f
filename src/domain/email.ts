// Email delivery: statuses, the Message-ID a send is recognised by, and the retry budget.

export const EMAIL_STATUSES = ['queued', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export type EmailPurpose =
  'api' | 'test' | 'invoice_reminder' | 'owner_alert' | 'booking_message' | 'invitation' | 'agent_reply';

/**
 * Checked again immediately before each send; a false guard cancels the email instead.
 * `booking_current`: the booking is still confirmed and still starts at `startAt` (the time the
 * message is about), so a booking cancelled or moved a moment ago gets no reminder of it.
 */
export type EmailGuard =
  { kind: 'invoice_open'; invoiceId: string } | { kind: 'booking_current'; bookingId: string; startAt: string };

/**
 * The RFC 5322 Message-ID carried by the email. Derived from the email id, so every attempt sends
 * the same one and a retry can search the mailbox (`rfc822msgid:`) for an earlier success.
 */
export function rfcMessageId(emailId: string): string {
  return `<${emailId}@frontdesk.mail>`;
}

/** Backoff for the send activity: passed into the workflow, since workflows cannot read config. */
export interface EmailRetryPolicy {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  /** Total time from the first try to giving up. */
  budgetMs: number;
  /**
   * How long a send may go without a heartbeat before Temporal counts its worker lost and tries
   * again elsewhere. Absent in workflows started before it existed: 45 s then.
   */
  heartbeatTimeoutMs?: number;
}

export const DEFAULT_EMAIL_RETRY: EmailRetryPolicy = {
  initialIntervalMs: 30_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 60 * 60_000,
  budgetMs: 24 * 60 * 60_000,
  heartbeatTimeoutMs: 45_000,
};

/** The pause before retry number `attempt + 1`, as Temporal's exponential backoff computes it. */
export function backoffAfterAttempt(policy: EmailRetryPolicy, attempt: number): number {
  return Math.min(
    policy.initialIntervalMs * policy.backoffCoefficient ** Math.max(0, attempt - 1),
    policy.maximumIntervalMs,
  );
}
