// When the guardian calls a running workflow stuck, and how its report says so. Temporal retries
// a failing workflow task and a failing activity for ever by default, so neither ever fails the
// workflow: without this a wedged workflow (a handler throwing on every task) or an activity
// failing since yesterday stays Running and silent. Pure: the guardian's activity and its tests.
import type { GuardianCheck } from './guardian';

/** A workflow task that has failed this many times in a row: the code cannot make progress. */
export const STUCK_WORKFLOW_TASK_ATTEMPTS = 3;
/** An activity past this many attempts: far beyond what a provider's blip explains. */
export const STUCK_ACTIVITY_ATTEMPTS = 10;
/** Running workflows of a business examined per pass (newest first). */
export const WORKFLOWS_EXAMINED_PER_PASS = 200;

export type StuckWorkflow =
  | { workflowId: string; workflowType: string; kind: 'workflow_task'; attempt: number }
  | {
      workflowId: string;
      workflowType: string;
      kind: 'activity';
      activityType: string;
      attempt: number;
      lastFailure: string | null;
    };

export interface RunningWorkflowHealth {
  workflowId: string;
  workflowType: string;
  workflowTaskAttempt: number | null;
  activities: { activityType: string; attempt: number; lastFailure: string | null }[];
}

export function stuckOf(w: RunningWorkflowHealth): StuckWorkflow[] {
  const stuck: StuckWorkflow[] = [];
  if ((w.workflowTaskAttempt ?? 0) >= STUCK_WORKFLOW_TASK_ATTEMPTS) {
    stuck.push({
      workflowId: w.workflowId,
      workflowType: w.workflowType,
      kind: 'workflow_task',
      attempt: w.workflowTaskAttempt as number,
    });
  }
  for (const a of w.activities) {
    if (a.attempt >= STUCK_ACTIVITY_ATTEMPTS)
      stuck.push({ workflowId: w.workflowId, workflowType: w.workflowType, kind: 'activity', ...a });
  }
  return stuck;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function describe(s: StuckWorkflow): string {
  if (s.kind === 'workflow_task')
    return `${s.workflowId} (${s.workflowType}): its code fails on every step, attempt ${s.attempt}`;
  const why = s.lastFailure ? `: ${s.lastFailure.slice(0, 120)}` : '';
  return `${s.workflowId} (${s.workflowType}): ${s.activityType} retried ${s.attempt} times${why}`;
}

/** The `workflows` check: ok, or each stuck workflow named with what is stuck in it. */
export function workflowsCheck(examined: number, stuck: readonly StuckWorkflow[]): GuardianCheck {
  if (stuck.length === 0)
    return { name: 'workflows', status: 'ok', detail: `${plural(examined, 'running workflow')}, none stuck` };
  const wedged = stuck.some((s) => s.kind === 'workflow_task');
  const ids = new Set(stuck.map((s) => s.workflowId));
  return {
    name: 'workflows',
    // A failing workflow task never heals without a deploy or an operator; a retrying activity may.
    status: wedged ? 'fail' : 'warn',
    detail: `${plural(ids.size, 'workflow')} stuck: ${stuck.map(describe).join('; ')}`.slice(0, 1000),
  };
}
