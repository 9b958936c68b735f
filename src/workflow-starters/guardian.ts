// How the API and the worker start a tenant's guardian (workflowId guardian:<tenant>). Starting is
// idempotent: a running guardian is kept (USE_EXISTING), a closed one is replaced, so registration,
// the worker's boot sweep and the routes can all "make sure it runs" without a race.
import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import type { Config } from '../config';
import { TenantIdKey } from '../domain/search-attributes';
import { guardianWorkflowId } from '../domain/workflow-ids';
import type { Logger } from '../observability/logger';
import type { guardian } from '../workflows/guardian';
import type { GuardianInput } from '../workflows/guardian.contract';
import { taskQueueFor } from '../temporal/task-queues';

function guardianOptions(config: Config, tenantId: string) {
  const input: GuardianInput = {
    tenantId,
    intervalMs: config.guardian.intervalMs,
    passesPerRun: config.guardian.passesPerRun,
    emailRetry: config.emailRetry,
    deliveryTaskQueue: taskQueueFor(config, 'emailDelivery'),
  };
  return {
    workflowId: guardianWorkflowId(tenantId),
    taskQueue: taskQueueFor(config, 'guardian'),
    args: [input] as [GuardianInput],
    typedSearchAttributes: [{ key: TenantIdKey, value: tenantId }],
    // Whatever ended a previous guardian (terminated by ops, failed), the tenant gets a new one.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
  };
}

/** Starts the tenant's guardian unless one is running; true when it was not running before. */
export async function ensureGuardian(client: Client, config: Config, tenantId: string): Promise<boolean> {
  try {
    if ((await client.workflow.getHandle(guardianWorkflowId(tenantId)).describe()).status.name === 'RUNNING')
      return false;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  // Another caller may start it in between: USE_EXISTING makes that a no-op, not an error.
  await client.workflow.start<typeof guardian>('guardian', {
    ...guardianOptions(config, tenantId),
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  return true;
}

/** Signals the guardian, starting it first when none is running (signal-with-start). */
export async function signalGuardian(
  client: Client,
  config: Config,
  tenantId: string,
  signal: SignalDefinition<[]>,
): Promise<void> {
  await client.workflow.signalWithStart<typeof guardian, []>('guardian', {
    ...guardianOptions(config, tenantId),
    signal,
    signalArgs: [],
  });
}

/**
 * At worker boot: a guardian for each of these tenants that lacks one (tenants from before the
 * guardian existed, or whose guardian was terminated). A few starts at a time; one tenant's failure
 * is logged and does not stop the others; `stopping` ends the sweep early (a shutdown).
 */
export async function ensureGuardians(deps: {
  client: Client;
  config: Config;
  logger: Logger;
  tenantIds: readonly string[];
  concurrency?: number;
  stopping?: () => boolean;
}): Promise<{ tenants: number; started: number; failed: number }> {
  const ids = deps.tenantIds;
  let started = 0;
  let failed = 0;
  let next = 0;
  const lane = async () => {
    while (next < ids.length && !deps.stopping?.()) {
      const tenantId = ids[next++] as string;
      try {
        if (await ensureGuardian(deps.client, deps.config, tenantId)) started += 1;
      } catch (err) {
        failed += 1;
        deps.logger.warn(
          { tenantId, err: err instanceof Error ? err.message : String(err) },
          'could not start the guardian of a tenant',
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 8, Math.max(ids.length, 1)) }, lane));
  return { tenants: ids.length, started, failed };
}
