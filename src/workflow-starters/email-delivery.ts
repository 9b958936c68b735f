// Starts an email's emailDelivery workflow (email:<tenant>:<email>) from the API: the outbox row
// is written first, then this hands it to its own workflow, which owns the
// retries. Workflows that send email start it as their child instead.
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { EmailIdKey, TenantIdKey } from '../domain/search-attributes';
import { emailWorkflowId } from '../domain/workflow-ids';
import type { emailDelivery } from '../workflows/email-delivery';
import { taskQueueFor } from '../temporal/task-queues';

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
  await client.workflow.start<typeof emailDelivery>('emailDelivery', {
    workflowId,
    taskQueue: taskQueueFor(config, 'emailDelivery'),
    args: [{ tenantId: ids.tenantId, emailId: ids.emailId, retry: config.emailRetry }],
    typedSearchAttributes: [
      { key: TenantIdKey, value: ids.tenantId },
      { key: EmailIdKey, value: ids.emailId },
    ],
    // A failed email may be restarted (retry-failed) under the same id; a running one never twice.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    workflowIdConflictPolicy: options.restart
      ? WorkflowIdConflictPolicy.TERMINATE_EXISTING
      : WorkflowIdConflictPolicy.FAIL,
  });
  return workflowId;
}
