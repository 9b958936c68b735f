import type { Client } from '@temporalio/client';

const DEADLINE_MS = 2_000;
// temporal.api.enums.v1.TaskQueueType / TaskQueueKind (numeric protobuf enums).
const TASK_QUEUE_TYPE_WORKFLOW = 1;
const TASK_QUEUE_TYPE_ACTIVITY = 2;
const TASK_QUEUE_KIND_NORMAL = 1;

/**
 * How many distinct workers poll the task queue (for workflow or activity tasks) in Temporal's
 * recent view; null when Temporal does not answer in time.
 */
export async function countWorkerPollers(client: Client, namespace: string, taskQueue: string): Promise<number | null> {
  try {
    const identities = new Set<string>();
    for (const taskQueueType of [TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY]) {
      const res = await client.connection.withDeadline(Date.now() + DEADLINE_MS, () =>
        client.workflowService.describeTaskQueue({
          namespace,
          taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
          taskQueueType,
        }),
      );
      for (const poller of res.pollers ?? []) identities.add(poller.identity ?? '');
    }
    return identities.size;
  } catch {
    return null;
  }
}
