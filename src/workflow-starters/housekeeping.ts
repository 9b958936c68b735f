// Housekeeping is the Temporal Schedule `housekeeping` (Temporal recommends Schedules for plain
// periodic work): every interval it starts one housekeepingPass, skipping a start while the last
// pass still runs. Every worker makes sure of it at boot, idempotently: created when missing (with
// a pass at once), updated when the interval, task queue or workflow differ, untouched otherwise,
// and a pause set by ops is kept. The long-running workflow it replaces is cancelled if one still
// runs, once the Schedule is in place, so purging never stops in between.
import { ScheduleOverlapPolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import {
  HOUSEKEEPING_PASS_WORKFLOW_ID,
  HOUSEKEEPING_SCHEDULE_ID,
  LEGACY_HOUSEKEEPING_WORKFLOW_ID,
} from '../domain/workflow-ids';
import { taskQueueFor } from '../temporal/task-queues';
import { ensureIntervalSchedule, type EnsuredSchedule, type IntervalScheduleOptions } from './interval-schedule';

export interface HousekeepingScheduleResult {
  schedule: EnsuredSchedule;
  /** Whether a long-running housekeeping workflow from before the Schedule was found running and cancelled. */
  legacyWorkflowCancelled: boolean;
}

const PASS_WORKFLOW_TYPE = 'housekeepingPass';

/** One interval, but never under ten minutes: the activity's retries need that long. */
const passTimeoutMs = (intervalMs: number) => Math.max(intervalMs, 10 * 60_000);

export function housekeepingScheduleOptions(config: Config) {
  const every = config.housekeeping.intervalMs;
  return {
    scheduleId: HOUSEKEEPING_SCHEDULE_ID,
    spec: { intervals: [{ every }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: PASS_WORKFLOW_TYPE,
      workflowId: HOUSEKEEPING_PASS_WORKFLOW_ID,
      taskQueue: taskQueueFor(config, 'housekeepingPass'),
      args: [] as [],
      // A pass that cannot finish (no worker on its queue, the database down through every retry)
      // ends, so SKIP does not hold back the passes after it for ever.
      workflowExecutionTimeout: passTimeoutMs(every),
    },
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      // After an outage, at most the one pass that fell due last is made up; older ones are moot.
      catchupWindow: every,
    },
  } satisfies IntervalScheduleOptions;
}

export async function ensureHousekeepingSchedule(client: Client, config: Config): Promise<HousekeepingScheduleResult> {
  // The first pass at once, as before: a new deploy does not wait an interval to purge.
  const schedule = await ensureIntervalSchedule(client, housekeepingScheduleOptions(config), { runAtOnce: true });
  return { schedule, legacyWorkflowCancelled: await cancelLegacyHousekeeping(client) };
}

/**
 * The long-running `housekeeping` workflow of earlier deploys waits on a timer between passes, so
 * a cancel ends it there whichever worker version runs it (its history then shows why).
 */
async function cancelLegacyHousekeeping(client: Client): Promise<boolean> {
  const handle = client.workflow.getHandle(LEGACY_HOUSEKEEPING_WORKFLOW_ID);
  try {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING' || description.type !== 'housekeeping') return false;
    await handle.cancel();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
