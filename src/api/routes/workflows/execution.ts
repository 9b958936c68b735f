// How a Temporal execution looks in the API: statuses in lowercase words, instants in ISO 8601,
// only our own search attributes, and pending activities without their (encrypted) failures.
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { z } from 'zod';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../../domain/search-attributes';
import type { pendingActivity, WorkflowStatus, workflowSummary } from './schema';

type RawExecution = temporal.api.workflow.v1.IWorkflowExecutionInfo;
type Summary = z.infer<typeof workflowSummary>;

const STATUS_PREFIX = 'WORKFLOW_EXECUTION_STATUS_';

export function statusOf(code: temporal.api.enums.v1.WorkflowExecutionStatus | null | undefined): WorkflowStatus {
  const name = temporal.api.enums.v1.WorkflowExecutionStatus[code ?? 0] ?? '';
  const word = name.replace(STATUS_PREFIX, '').toLowerCase();
  if (word === 'canceled') return 'cancelled';
  const known: readonly string[] = [
    'running',
    'completed',
    'failed',
    'terminated',
    'continued_as_new',
    'timed_out',
    'paused',
  ];
  return known.includes(word) ? (word as WorkflowStatus) : 'unknown';
}

const iso = (ts: Parameters<typeof optionalTsToMs>[0]): string | null => {
  const ms = optionalTsToMs(ts);
  return ms === undefined ? null : new Date(ms).toISOString();
};

/** A row of a visibility listing. */
export function summaryOfRaw(raw: RawExecution): Summary {
  return {
    workflowId: raw.execution?.workflowId ?? '',
    runId: raw.execution?.runId ?? '',
    type: raw.type?.name ?? '',
    status: statusOf(raw.status),
    startTime: iso(raw.startTime) ?? new Date(0).toISOString(),
    closeTime: iso(raw.closeTime),
  };
}

export function summaryOfDescription(d: WorkflowExecutionDescription): Summary {
  return {
    workflowId: d.workflowId,
    runId: d.runId,
    type: d.type,
    status: statusOf(d.status.code),
    startTime: d.startTime.toISOString(),
    closeTime: d.closeTime?.toISOString() ?? null,
  };
}

export function customSearchAttributes(d: WorkflowExecutionDescription): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key } of CUSTOM_SEARCH_ATTRIBUTES) {
    const value = d.typedSearchAttributes.get(key);
    if (typeof value === 'string') out[key.name] = value;
  }
  return out;
}

const ACTIVITY_STATE_PREFIX = 'PENDING_ACTIVITY_STATE_';

export function pendingActivitiesOf(d: WorkflowExecutionDescription): z.infer<typeof pendingActivity>[] {
  return (d.raw.pendingActivities ?? []).map((a) => {
    const state = (temporal.api.enums.v1.PendingActivityState[a.state ?? 0] ?? '')
      .replace(ACTIVITY_STATE_PREFIX, '')
      .toLowerCase();
    return {
      activityId: a.activityId ?? '',
      activityType: a.activityType?.name ?? '',
      state: (['scheduled', 'started', 'cancel_requested', 'paused', 'pause_requested'].includes(state)
        ? state
        : 'unknown') as z.infer<typeof pendingActivity>['state'],
      attempt: a.attempt ?? 0,
      lastStartedTime: iso(a.lastStartedTime),
      nextAttemptScheduleTime: iso(a.nextAttemptScheduleTime),
    };
  });
}
