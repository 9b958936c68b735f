// Starts an invoice's paymentReminder workflow (invoice:<tenant>:<invoice>): a second start for the
// same invoice is refused by Temporal; search attributes let ops find it by invoice and client.
import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { ClientIdKey, InvoiceIdKey, TenantIdKey } from '../domain/search-attributes';
import { invoiceWorkflowId } from '../domain/workflow-ids';
import type { paymentReminder } from '../workflows/payment-reminder';
import type { PaymentReminderInput } from '../workflows/payment-reminder.contract';
import { taskQueueFor } from '../temporal/task-queues';

/**
 * `restart`: start the reminders again for an open invoice whose run has closed. `after-failure`
 * (the guardian): only a run that failed, timed out, was cancelled or terminated; `any-closed` (an
 * admin's POST /reminders/restart): also one that completed. Temporal always refuses while a run
 * is open.
 */
export async function startPaymentReminder(
  client: Client,
  config: Config,
  input: Omit<PaymentReminderInput, 'emailRetry' | 'deliveryTaskQueue'>,
  options: { restart?: 'after-failure' | 'any-closed' } = {},
): Promise<string> {
  const workflowId = invoiceWorkflowId(input.tenantId, input.invoiceId);
  await client.workflow.start<typeof paymentReminder>('paymentReminder', {
    workflowId,
    taskQueue: taskQueueFor(config, 'paymentReminder'),
    args: [{ ...input, emailRetry: config.emailRetry, deliveryTaskQueue: taskQueueFor(config, 'emailDelivery') }],
    typedSearchAttributes: [
      { key: TenantIdKey, value: input.tenantId },
      { key: InvoiceIdKey, value: input.invoiceId },
      { key: ClientIdKey, value: input.clientId },
    ],
    workflowIdReusePolicy:
      options.restart === 'any-closed'
        ? WorkflowIdReusePolicy.ALLOW_DUPLICATE
        : options.restart === 'after-failure'
          ? WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY
          : WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
  return workflowId;
}
