// The overdue digest pass's contract: started by the Temporal Schedule `overdue-digest`
// (workflow-starters/overdue-digest.ts) every hour; what it takes and what it did.
import type { EmailRetryPolicy } from '../domain/email';

export interface OverdueDigestPassInput {
  /** From config (EMAIL_RETRY_*), set on the Schedule: the backoff of each digest's emailDelivery child. */
  emailRetry: EmailRetryPolicy;
  /** The delivery task queue, for each digest's emailDelivery child (src/temporal/task-queues.ts). */
  deliveryTaskQueue?: string;
  /** Carried over continue-as-new: the businesses up to this id were looked at already. */
  after?: string | null;
}

export interface OverdueDigestPassResult {
  /** The pass's start, its own clock (the businesses' local hour is read against it). */
  at: string;
  /** Digest emails handed to their emailDelivery child in this run. */
  digests: number;
  /** Invoices those digests list. */
  invoices: number;
  /** Businesses whose digest could not be made (the next pass tries again). */
  failed: number;
}
