// Signals, queries and cancels from the API to workflows that may already have finished (an
// invoice paid after its reminders ended, say): a closed or missing workflow is not an error there.
// Signals and queries are the workflow contract's definitions (workflows/<name>.contract.ts), so
// their names and argument types come from one place.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { QueryDefinition, SignalDefinition } from '@temporalio/common';

export async function signalIfRunning<Args extends unknown[]>(
  client: Client,
  workflowId: string,
  signal: SignalDefinition<Args>,
  ...args: Args
): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).signal(signal, ...args);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

export async function cancelIfRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).cancel();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** How long a read route waits for a query: a query needs a worker, and a GET must not hang. */
const QUERY_DEADLINE_MS = 3_000;

/**
 * A running workflow's answer to a query, or null when it has closed or does not exist. Throws
 * when it cannot answer in time (no worker polling, Temporal unreachable).
 */
export async function queryIfRunning<T>(
  client: Client,
  workflowId: string,
  query: QueryDefinition<T, []>,
): Promise<T | null> {
  try {
    return await client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, async () => {
      const handle = client.workflow.getHandle(workflowId);
      const description = await handle.describe();
      if (description.status.name !== 'RUNNING') return null;
      return await handle.query(query);
    });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}
