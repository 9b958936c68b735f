// Runs one calendarFreeBusy workflow (calendar-freebusy:<tenant>:<fresh id>) and waits for its
// answer: the worker asks Calendar, the API only waits, at most `timeoutSeconds`.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { TenantIdKey } from '../domain/search-attributes';
import { calendarFreeBusyWorkflowId } from '../domain/workflow-ids';
import type { calendarFreeBusy } from '../workflows/calendar-free-busy';
import type { CalendarFreeBusyResult } from '../workflows/calendar-free-busy.contract';
import { taskQueueFor } from '../temporal/task-queues';

/** Throws WorkflowFailedError when Calendar failed or no worker ran it in time (a TimeoutFailure cause). */
export async function queryCalendarBusy(
  client: Client,
  config: Config,
  input: { tenantId: string; from: Date; to: Date },
  timeoutSeconds: number,
): Promise<CalendarFreeBusyResult> {
  return client.workflow.execute<typeof calendarFreeBusy>('calendarFreeBusy', {
    workflowId: calendarFreeBusyWorkflowId(input.tenantId, randomUUID()),
    taskQueue: taskQueueFor(config, 'calendarFreeBusy'),
    args: [{ tenantId: input.tenantId, from: input.from.toISOString(), to: input.to.toISOString() }],
    typedSearchAttributes: [{ key: TenantIdKey, value: input.tenantId }],
    workflowExecutionTimeout: `${timeoutSeconds} seconds`,
  });
}
