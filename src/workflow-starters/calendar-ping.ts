// Runs one calendarPing workflow (calendar-ping:<tenant>:<fresh id>) and waits for its answer:
// the worker makes the Calendar call, the API only waits, at most `timeoutSeconds`.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { TenantIdKey } from '../domain/search-attributes';
import { calendarPingWorkflowId } from '../domain/workflow-ids';
import type { calendarPing } from '../workflows/calendar-ping';
import type { CalendarPingResult } from '../workflows/calendar-ping.contract';
import { taskQueueFor } from '../temporal/task-queues';

/** Throws WorkflowFailedError when the ping failed or no worker ran it in time (a TimeoutFailure cause). */
export async function pingCalendar(
  client: Client,
  config: Config,
  tenantId: string,
  timeoutSeconds: number,
): Promise<CalendarPingResult> {
  return client.workflow.execute<typeof calendarPing>('calendarPing', {
    workflowId: calendarPingWorkflowId(tenantId, randomUUID()),
    taskQueue: taskQueueFor(config, 'calendarPing'),
    args: [{ tenantId }],
    typedSearchAttributes: [{ key: TenantIdKey, value: tenantId }],
    workflowExecutionTimeout: `${timeoutSeconds} seconds`,
  });
}
