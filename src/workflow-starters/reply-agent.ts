// Hands a thread's message to its replyAgent (agent:<tenant>:<thread>), starting the workflow if
// it is not running: from the mailbox sync for each new message to answer, and from
// POST /api/agents/threads/:threadId/draft. Search attributes are ids only.
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { ClientIdKey, TenantIdKey } from '../domain/search-attributes';
import { agentWorkflowId } from '../domain/workflow-ids';
import type { replyAgent } from '../workflows/reply-agent';
import { agentMessageSignal, type AgentMessageArgs, type ReplyAgentInput } from '../workflows/reply-agent.contract';
import { taskQueueFor } from '../temporal/task-queues';

export async function notifyReplyAgent(
  client: Client,
  config: Pick<Config, 'temporal' | 'emailRetry'>,
  ids: { tenantId: string; threadId: string; clientId: string | null },
  messageId: string,
): Promise<string> {
  const workflowId = agentWorkflowId(ids.tenantId, ids.threadId);
  const input: ReplyAgentInput = {
    tenantId: ids.tenantId,
    threadId: ids.threadId,
    emailRetry: config.emailRetry,
    deliveryTaskQueue: taskQueueFor(config, 'emailDelivery'),
  };
  await client.workflow.signalWithStart<typeof replyAgent, [AgentMessageArgs]>('replyAgent', {
    workflowId,
    taskQueue: taskQueueFor(config, 'replyAgent'),
    args: [input],
    signal: agentMessageSignal,
    signalArgs: [{ messageId }],
    typedSearchAttributes: [
      { key: TenantIdKey, value: ids.tenantId },
      ...(ids.clientId ? [{ key: ClientIdKey, value: ids.clientId }] : []),
    ],
  });
  return workflowId;
}
