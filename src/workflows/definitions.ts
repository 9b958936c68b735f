// Names and types shared by workflows, the API and the worker: signals, queries and I/O types.
// Imported by the workflow bundle, so nothing here may do I/O.
import { defineQuery } from '@temporalio/workflow';
import type { EmailRetryPolicy, EmailStatus } from '../domain/email';

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
