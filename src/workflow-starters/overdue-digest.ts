// The owner's overdue digest is the Temporal Schedule `overdue-digest`: at the top of every hour
// it starts one overdueDigestPass, which sends each business whose 08:00 has come in its own zone
// that day's digest (hourly, because businesses are in every zone). Overlap SKIP: no pass starts
// while the last one still runs. Every worker makes sure of it at boot, idempotently: created when
// missing, updated when the task queue or the email backoff differ, untouched otherwise (a pause
// set by ops is kept). No pass at creation: the next hour is soon enough for a daily email.
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { OVERDUE_DIGEST_PASS_WORKFLOW_ID, OVERDUE_DIGEST_SCHEDULE_ID } from '../domain/workflow-ids';
import { taskQueueFor } from '../temporal/task-queues';
import { ensureIntervalSchedule, type EnsuredSchedule, type IntervalScheduleOptions } from './interval-schedule';
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
  } satisfies IntervalScheduleOptions;
}

export function ensureOverdueDigestSchedule(client: Client, config: Config): Promise<EnsuredSchedule> {
  return ensureIntervalSchedule(client, overdueDigestScheduleOptions(config));
}
