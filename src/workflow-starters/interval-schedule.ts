// What the platform's interval Schedules (housekeeping, the overdue digest) share: made sure of at
// every worker's boot, idempotently. Created when missing, updated when its spec, action or
// policies differ from what this config asks, untouched otherwise; an update keeps the Schedule's
// state, so a pause set by ops survives a deploy.
import {
  ScheduleAlreadyRunning,
  type Client,
  type ScheduleDescription,
  type ScheduleOptions,
} from '@temporalio/client';

/** A Schedule that starts one workflow every interval. */
export interface IntervalScheduleOptions extends ScheduleOptions {
  spec: { intervals: [{ every: number }] };
  action: ScheduleOptions['action'] & {
    type: 'startWorkflow';
    workflowType: string;
    workflowId: string;
    taskQueue: string;
    args: unknown[];
  };
}

export type EnsuredSchedule = 'created' | 'updated' | 'unchanged';

/** Whether the Schedule already does what `wanted` asks (its paused state is ops' business). */
export function intervalScheduleMatches(current: ScheduleDescription, wanted: IntervalScheduleOptions): boolean {
  const { spec, action, policies } = current;
  return (
    spec.intervals?.length === 1 &&
    spec.intervals[0]?.every === wanted.spec.intervals[0].every &&
    (spec.intervals[0]?.offset ?? 0) === 0 &&
    (spec.calendars?.length ?? 0) === 0 &&
    (spec.skip?.length ?? 0) === 0 &&
    action.type === 'startWorkflow' &&
    action.workflowType === wanted.action.workflowType &&
    action.workflowId === wanted.action.workflowId &&
    action.taskQueue === wanted.action.taskQueue &&
    JSON.stringify(action.args ?? []) === JSON.stringify(wanted.action.args) &&
    action.workflowExecutionTimeout === wanted.action.workflowExecutionTimeout &&
    policies.overlap === wanted.policies?.overlap &&
    policies.catchupWindow === wanted.policies?.catchupWindow
  );
}

export async function ensureIntervalSchedule(
  client: Client,
  wanted: IntervalScheduleOptions,
  { runAtOnce = false }: { runAtOnce?: boolean } = {},
): Promise<EnsuredSchedule> {
  try {
    await client.schedule.create(runAtOnce ? { ...wanted, state: { triggerImmediately: true } } : wanted);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(wanted.scheduleId);
  if (intervalScheduleMatches(await handle.describe(), wanted)) return 'unchanged';
  await handle.update((previous) => ({
    ...previous,
    spec: wanted.spec,
    action: wanted.action,
    policies: wanted.policies,
  }));
  return 'updated';
}
