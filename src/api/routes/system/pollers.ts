import type { Client } from '@temporalio/client';
import { taskQueueNames, TASK_QUEUE_KINDS, type TaskQueueKind } from '../../../temporal/task-queues';

const DEADLINE_MS = 2_000;
// temporal.api.enums.v1.TaskQueueType / TaskQueueKind (numeric protobuf enums).
const TASK_QUEUE_TYPE_WORKFLOW = 1;
const TASK_QUEUE_TYPE_ACTIVITY = 2;
const TASK_QUEUE_KIND_NORMAL = 1;

/**
 * The identities of the workers polling the task queue (for workflow or activity tasks) in
 * Temporal's recent view; null when Temporal does not answer in time.
 */
export async function workerPollerIdentities(
  client: Client,
  namespace: string,
  taskQueue: string,
): Promise<Set<string> | null> {
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
    return identities;
  } catch {
    return null;
  }
}

export interface QueuePollers {
  kind: TaskQueueKind;
  name: string;
  workerPollers: number | null;
}

/**
 * Per queue kind (reminders, delivery, agents), how many distinct workers poll it; and in all, how
 * many distinct workers poll any of them (a process serving all three counts once). The total is
 * null when Temporal answered for none of them.
 */
export async function countWorkerPollers(
  client: Client,
  namespace: string,
  base: string,
): Promise<{ total: number | null; queues: QueuePollers[] }> {
  const names = taskQueueNames(base);
  const found = await Promise.all(
    TASK_QUEUE_KINDS.map((kind) => workerPollerIdentities(client, namespace, names[kind])),
  );
  const everyone = new Set(found.flatMap((ids) => (ids ? [...ids] : [])));
  return {
    total: found.every((ids) => ids === null) ? null : everyone.size,
    queues: TASK_QUEUE_KINDS.map((kind, i) => ({ kind, name: names[kind], workerPollers: found[i]?.size ?? null })),
  };
}
