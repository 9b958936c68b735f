// How the API reaches a calendar's sync workflow (calendar-sync:<tenant>:<sync id>): started when
// the business first books into the calendar (a start while one runs is the running one), and
// told of every verified push by signal-with-start, so a push never needs to know whether it runs.
import { WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { TenantIdKey } from '../domain/search-attributes';
import { calendarSyncWorkflowId } from '../domain/workflow-ids';
import type { calendarSync } from '../workflows/calendar-sync';
import { calendarChangedSignal, type CalendarSyncInput } from '../workflows/calendar-sync.contract';
import { taskQueueFor } from '../temporal/task-queues';

interface CalendarSyncIds {
  tenantId: string;
  calendarSyncId: string;
}

/** A pass at least every 30 minutes; the push channel renewed a day before it expires. */
const SYNC_TIMING = { fallbackIntervalMs: 30 * 60_000, renewBeforeMs: 24 * 3_600_000 };

function startOptions(config: Config, ids: CalendarSyncIds) {
  const input: CalendarSyncInput = { ...ids, ...SYNC_TIMING };
  return {
    workflowId: calendarSyncWorkflowId(ids.tenantId, ids.calendarSyncId),
    taskQueue: taskQueueFor(config, 'calendarSync'),
    args: [input] as [CalendarSyncInput],
    typedSearchAttributes: [{ key: TenantIdKey, value: ids.tenantId }],
  };
}

/** Starts the calendar's sync unless it runs already. */
export async function ensureCalendarSyncRunning(client: Client, config: Config, ids: CalendarSyncIds): Promise<string> {
  const options = startOptions(config, ids);
  await client.workflow.start<typeof calendarSync>('calendarSync', {
    ...options,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  return options.workflowId;
}

/** A verified push: a pass is due (the workflow is started if it is not running). */
export async function notifyCalendarSync(client: Client, config: Config, ids: CalendarSyncIds): Promise<string> {
  const options = startOptions(config, ids);
  await client.workflow.signalWithStart<typeof calendarSync, []>('calendarSync', {
    ...options,
    signal: calendarChangedSignal,
    signalArgs: [],
  });
  return options.workflowId;
}
