// The guardian's vocabulary: what a pass checks and reports, what an unsafe thread is, and when
// the next pass is due. Pure: imported by the workflow bundle, the activities and the API alike.

export const CHECK_STATUSES = ['ok', 'warn', 'fail'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** The checks of every pass, in the order the report lists them. */
export const GUARDIAN_CHECKS = [
  'postgres',
  'gmail',
  'stripe',
  'twilio',
  'claude',
  'emails',
  'invoices',
  'workflows',
  'contentSafety',
] as const;
export type GuardianCheckName = (typeof GUARDIAN_CHECKS)[number];

export interface GuardianCheck {
  name: GuardianCheckName;
  status: CheckStatus;
  /** One line a business owner can act on. Never a secret or a message body. */
  detail: string;
}

/** The categories Claude may put an unsafe message in (the classify tool's fixed schema). */
export const UNSAFE_CATEGORIES = ['threat', 'harassment', 'self-harm', 'fraud', 'phishing', 'legal', 'abuse'] as const;
export type UnsafeCategory = (typeof UNSAFE_CATEGORIES)[number];

export const UNSAFE_SEVERITIES = ['low', 'medium', 'high'] as const;
export type UnsafeSeverity = (typeof UNSAFE_SEVERITIES)[number];

export const UNSAFE_THREAD_STATUSES = ['open', 'resolved'] as const;
export type UnsafeThreadStatus = (typeof UNSAFE_THREAD_STATUSES)[number];

export const UNSAFE_RESOLUTIONS = ['safe', 'handled', 'blocked'] as const;
export type UnsafeResolution = (typeof UNSAFE_RESOLUTIONS)[number];

/** An unsafe thread opened (or reopened) by a pass: what the owner is alerted about. */
export interface Finding {
  /** The unsafe_threads row. */
  id: string;
  threadId: string;
  category: UnsafeCategory;
  severity: UnsafeSeverity;
  reason: string;
  flaggedAt: string;
}

/**
 * Names one opening of an unsafe thread. A thread reopened after it was resolved is flagged
 * anew (a new flaggedAt) and so is alerted again; the same opening never is.
 */
export function findingKey(finding: Pick<Finding, 'id' | 'flaggedAt'>): string {
  return `${finding.id}@${finding.flaggedAt}`;
}

export interface GuardianReport {
  /** Counts every pass of this tenant's guardian, across continue-as-new. */
  pass: number;
  trigger: 'schedule' | 'runNow';
  startedAt: string;
  finishedAt: string;
  checks: GuardianCheck[];
  /** Threads this pass flagged unsafe. */
  flaggedThreads: Finding[];
}

/** Where screening has reached in the tenant's stored messages, in storage order. */
export interface MessageCheckpoint {
  storedAt: string;
  messageId: string;
}

/**
 * Mail Frontdesk sent itself (an owner alert to the connected address, say) carries the Message-ID
 * the outbox gives it (domain/email.ts rfcMessageId). It is never screened: an alert quoting a
 * threat must not be flagged as one, and alert again.
 */
export function isOwnOutboxMessage(rfcMessageId: string | null): boolean {
  return rfcMessageId !== null && /^<[0-9a-f-]{36}@frontdesk\.mail>$/i.test(rfcMessageId);
}

/** The worst status of a set of checks: the one that needs attention first. */
export function worstStatus(statuses: readonly CheckStatus[]): CheckStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('warn')) return 'warn';
  return 'ok';
}

/**
 * When the next scheduled pass is due: on the cadence set by the first one, skipping slots a long
 * pass (or a pause) overran, so the guardian never runs a burst of passes to catch up.
 */
export function nextPassDue(lastDueMs: number, intervalMs: number, nowMs: number): number {
  if (lastDueMs + intervalMs > nowMs) return lastDueMs + intervalMs;
  const missed = Math.floor((nowMs - lastDueMs) / intervalMs);
  return lastDueMs + (missed + 1) * intervalMs;
}

/** A Gmail watch must be renewed once it expires within this window (Gmail stops pushing after). */
export function watchNeedsRenewal(expiresAt: Date | null, now: Date, renewWithinMs: number): boolean {
  return expiresAt === null || expiresAt.getTime() - now.getTime() <= renewWithinMs;
}

/** The outbox's health in one check: failures above the threshold fail, stuck sends warn. */
export function emailCheck(facts: {
  stuck: number;
  oldestStuckMinutes: number | null;
  failed: number;
  windowHours: number;
  failedThreshold: number;
  stuckMinutes: number;
}): GuardianCheck {
  const parts: string[] = [];
  if (facts.failed > 0)
    parts.push(`${facts.failed} email${facts.failed === 1 ? '' : 's'} failed in the last ${facts.windowHours} h`);
  if (facts.stuck > 0) {
    parts.push(
      `${facts.stuck} queued or sending for more than ${facts.stuckMinutes} min (oldest ${facts.oldestStuckMinutes ?? facts.stuckMinutes} min)`,
    );
  }
  const status: CheckStatus =
    facts.failed >= facts.failedThreshold ? 'fail' : facts.failed > 0 || facts.stuck > 0 ? 'warn' : 'ok';
  return {
    name: 'emails',
    status,
    detail: parts.length
      ? `${parts.join('; ')}${status === 'fail' ? ` (threshold ${facts.failedThreshold})` : ''}`
      : 'No failed or stuck emails',
  };
}
