// How the API starts the business workflows: ids derived from business ids (a second start for
// the same email or invoice is refused by Temporal), search attributes for ops, the task queue
// and retry settings from config.
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { ClientIdKey, EmailIdKey, InvoiceIdKey, TenantIdKey } from '../domain/search-attributes';
import { emailWorkflowId, invoiceWorkflowId, smsWorkflowId } from '../domain/workflow-ids';
import type { PaymentReminderInput } from '../workflows/definitions';

/**
 * `restart`: a failed email sent again (retry-failed). Its previous run may still be finishing
 * (it records the failure just before it ends), so that run is replaced rather than refused.
 */
export async function startEmailDelivery(
  client: Client,
  config: Config,
  ids: { tenantId: string; emailId: string },
  options: { restart?: boolean } = {},
): Promise<string> {
  const workflowId = emailWorkflowId(ids.tenantId, ids.emailId);
  await client.workflow.start('emailDelivery', {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [{ tenantId: ids.tenantId, emailId: ids.emailId, retry: config.emailRetry }],
    typedSearchAttributes: [
      { key: TenantIdKey, value: ids.tenantId },
      { key: EmailIdKey, value: ids.emailId },
    ],
    // A failed email may be restarted (retry-failed) under the same id; a running one never twice.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    workflowIdConflictPolicy: options.restart ? WorkflowIdConflictPolicy.TERMINATE_EXISTING : WorkflowIdConflictPolicy.FAIL,
  });
  return workflowId;
}

/**
 * `restart`: the guardian starts the reminders again for an open invoice whose run is gone, failed
 * or timed out. Temporal still refuses while a run is open or after one completed.
 */
export async function startPaymentReminder(
  client: Client,
  config: Config,
  input: Omit<PaymentReminderInput, 'emailRetry'>,
  options: { restart?: boolean } = {},
): Promise<string> {
  const workflowId = invoiceWorkflowId(input.tenantId, input.invoiceId);
  await client.workflow.start('paymentReminder', {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [{ ...input, emailRetry: config.emailRetry }],
    typedSearchAttributes: [
      { key: TenantIdKey, value: input.tenantId },
      { key: InvoiceIdKey, value: input.invoiceId },
      { key: ClientIdKey, value: input.clientId },
    ],
    workflowIdReusePolicy: options.restart ? WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY : WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
  return workflowId;
}

/** A text sent by its own workflow; ClientId too when it goes to a client, so ops can filter. */
export async function startSmsDelivery(
  client: Client,
  config: Config,
  ids: { tenantId: string; smsId: string; clientId: string | null },
): Promise<string> {
  const workflowId = smsWorkflowId(ids.tenantId, ids.smsId);
  await client.workflow.start('smsDelivery', {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [{ tenantId: ids.tenantId, smsId: ids.smsId, retry: config.emailRetry }],
    typedSearchAttributes: [
      { key: TenantIdKey, value: ids.tenantId },
      ...(ids.clientId ? [{ key: ClientIdKey, value: ids.clientId }] : []),
    ],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
  return workflowId;
}
