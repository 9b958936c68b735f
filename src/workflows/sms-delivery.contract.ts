// The smsDelivery contract: the text it sends, the retry budget, its result, and the status query.
import { defineQuery } from '@temporalio/workflow';
import type { EmailRetryPolicy } from '../domain/email';
import type { SmsStatus } from '../domain/sms';

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

export interface SmsDeliveryStatus {
  phase: 'sending' | 'done';
  result: SmsDeliveryResult | null;
}

export const smsDeliveryStatusQuery = defineQuery<SmsDeliveryStatus>('status');
