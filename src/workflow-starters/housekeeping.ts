// The one platform-wide housekeeping workflow (workflowId `housekeeping`): every worker makes
// sure it runs at boot. A running one is kept (USE_EXISTING); one that ended (terminated by ops,
// failed) is replaced.
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { HOUSEKEEPING_WORKFLOW_ID } from '../domain/workflow-ids';
import type { housekeeping } from '../workflows/housekeeping';
import type { HousekeepingInput } from '../workflows/housekeeping.contract';

export async function ensureHousekeeping(client: Client, config: Config): Promise<void> {
  const input: HousekeepingInput = { intervalMs: config.housekeeping.intervalMs, passesPerRun: config.housekeeping.passesPerRun };
  await client.workflow.start<typeof housekeeping>('housekeeping', {
    workflowId: HOUSEKEEPING_WORKFLOW_ID,
    taskQueue: config.temporal.taskQueue,
    args: [input],
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
}
