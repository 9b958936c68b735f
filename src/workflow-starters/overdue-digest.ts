// The owner's overdue digest is the Temporal Schedule `overdue-digest`: at the top of every hour
// it starts one overdueDigestPass, which sends each business whose 08:00 has come in its own zone
// that day's digest (hourly, because businesses are in every zone). Overlap SKIP: no pass starts
// while the last one still runs. Every worker makes sure of it at boot, idempotently: created when
// missing, updated when the task queue or the email backoff differ, untouched otherwise (a pause
// set by ops is kept). No pass at creation: the next hour is soon enough for a daily email.
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleOptions,
} from '@temporalio/client';
import type { Config } from '../config';
import { OVERDUE_DIGEST_PASS_WORKFLOW_ID, OVERDUE_DIGEST_SCHEDULE_ID } from '../domain/workflow-ids';
import { taskQueueFor } from '../temporal/task-queues';
import type { OverdueDigestPassInput } from '../workflows/overdue-digest-pass.contract';

const PASS_WORKFLOW_TYPE = 'overdueDigestPass';
const HOUR_MS = 60 * 60_000;

export function overdueDigestScheduleOptions(config: Config) {
  const input: OverdueDigestPassInput = {
    emailRetry: config.emailRetry,
    deliveryTaskQueue: taskQueueFor(config, 'emailDelivery'),
  };
  return {
    scheduleId: OVERDUE_DIGEST_SCHEDULE_ID,
    spec: { intervals: [{ every: HOUR_MS }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: PASS_WORKFLOW_TYPE,
      workflowId: OVERDUE_DIGEST_PASS_WORKFLOW_ID,
      taskQueue: taskQueueFor(config, 'overdueDigestPass'),
      args: [input] as [OverdueDigestPassInput],
      // A pass that cannot finish (no worker on its queue, the database down through every retry)
      // ends within the hour, so SKIP does not hold back the next one for ever.
      workflowExecutionTimeout: HOUR_MS,
    },
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      // After an outage the pass that fell due last is made up; the businesses it missed at their
      // 08:00 get their digest from it, later that morning.
      catchupWindow: HOUR_MS,
    },
  } satisfies ScheduleOptions;
}

function scheduleMatches(
  current: ScheduleDescription,
  wanted: ReturnType<typeof overdueDigestScheduleOptions>,
): boolean {
  const { spec, action, policies } = current;
  return (
    spec.intervals?.length === 1 &&
    spec.intervals[0]?.every === wanted.spec.intervals[0]?.every &&
    (spec.intervals[0]?.offset ?? 0) === 0 &&
    (spec.calendars?.length ?? 0) === 0 &&
    (spec.skip?.length ?? 0) === 0 &&
    action.type === 'startWorkflow' &&
    action.workflowType === wanted.action.workflowType &&
    action.workflowId === wanted.action.workflowId &&
    action.taskQueue === wanted.action.taskQueue &&
    JSON.stringify(action.args ?? []) === JSON.stringify(wanted.action.args) &&
    action.workflowExecutionTimeout === wanted.action.workflowExecutionTimeout &&
    policies.overlap === wanted.policies.overlap &&
    policies.catchupWindow === wanted.policies.catchupWindow
  );
}

export async function ensureOverdueDigestSchedule(
  client: Client,
  config: Config,
): Promise<'created' | 'updated' | 'unchanged'> {
  const wanted = overdueDigestScheduleOptions(config);
  try {
    await client.schedule.create(wanted);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(OVERDUE_DIGEST_SCHEDULE_ID);
  if (scheduleMatches(await handle.describe(), wanted)) return 'unchanged';
  await handle.update((previous) => ({
    ...previous,
    spec: wanted.spec,
    action: wanted.action,
    policies: wanted.policies,
  }));
  return 'updated';
}
