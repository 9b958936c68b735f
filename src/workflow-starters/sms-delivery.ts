// Starts a text's smsDelivery workflow (sms:<tenant>:<sms>) once its row is stored.
import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { ClientIdKey, TenantIdKey } from '../domain/search-attributes';
import { smsWorkflowId } from '../domain/workflow-ids';
import type { smsDelivery } from '../workflows/sms-delivery';
import { taskQueueFor } from '../temporal/task-queues';

/** A text sent by its own workflow; ClientId too when it goes to a client, so ops can filter. */
export async function startSmsDelivery(
  client: Client,
  config: Config,
  ids: { tenantId: string; smsId: string; clientId: string | null },
): Promise<string> {
  const workflowId = smsWorkflowId(ids.tenantId, ids.smsId);
  await client.workflow.start<typeof smsDelivery>('smsDelivery', {
    workflowId,
    taskQueue: taskQueueFor(config, 'smsDelivery'),
    args: [{ tenantId: ids.tenantId, smsId: ids.smsId, retry: config.emailRetry }],
    typedSearchAttributes: [
      { key: TenantIdKey, value: ids.tenantId },
      ...(ids.clientId ? [{ key: ClientIdKey, value: ids.clientId }] : []),
    ],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
  return workflowId;
}
