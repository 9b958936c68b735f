// The emailDelivery contract: the outbox row it sends, the retry budget, its result, and the
// status query.
import { defineQuery } from '@temporalio/workflow';
import type { EmailRetryPolicy, EmailStatus } from '../domain/email';

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

export interface EmailDeliveryStatus {
  phase: 'sending' | 'done';
  result: EmailDeliveryResult | null;
}

export const emailDeliveryStatusQuery = defineQuery<EmailDeliveryStatus>('status');
