// Replays workflow histories fetched from a real namespace against a build of the workflow code,
// through the project's data converter (the encrypting payload codec decodes every payload on the
// way in, as on a live worker). A history the code would take another path through is a
// non-determinism error: deploying that code would break that running workflow.
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createDataConverter } from './data-converter';

export interface ReplaySelection {
  /** Only workflows of these task queues: the ones Frontdesk's workers run. */
  taskQueues: readonly string[];
  /** Only these workflow types (none: all). */
  types?: readonly string[];
  /** A visibility query of the operator's own, ANDed with the rest. */
  query?: string;
  /** Only workflows started at or after / before these times. */
  since?: Date;
  until?: Date;
  /** Only workflows still running (those a deploy's workers will replay). */
  runningOnly?: boolean;
  /** At most this many workflows, newest first. */
  limit: number;
}

export interface ReplayOutcome {
  workflowType: string;
  workflowId: string;
  runId: string;
  /** The non-determinism (or decoding) error; undefined when the history replayed as it was. */
  error?: string;
}

/** A quoted visibility-query string (the grammar is SQL-like: a quote is doubled). */
const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** The visibility query for a selection. */
export function replayQuery(selection: Omit<ReplaySelection, 'limit'>): string {
  const queues = selection.taskQueues;
  const clauses = [
    queues.length === 1
      ? `TaskQueue = ${quote(queues[0] as string)}`
      : `TaskQueue IN (${queues.map(quote).join(', ')})`,
  ];
  if (selection.types && selection.types.length > 0) {
    clauses.push(
      selection.types.length === 1
        ? `WorkflowType = ${quote(selection.types[0] as string)}`
        : `WorkflowType IN (${selection.types.map(quote).join(', ')})`,
    );
  }
  if (selection.since) clauses.push(`StartTime >= ${quote(selection.since.toISOString())}`);
  if (selection.until) clauses.push(`StartTime < ${quote(selection.until.toISOString())}`);
  if (selection.runningOnly) clauses.push(`ExecutionStatus = 'Running'`);
  if (selection.query) clauses.push(`(${selection.query})`);
  return clauses.join(' AND ');
}

export type WorkflowCode = { workflowBundle: { codePath: string } } | { workflowsPath: string };

/**
 * Replays the selected workflows' histories against `code`, one result per workflow, in the order
 * the namespace listed them (newest first).
 */
export async function* replayNamespaceHistories(deps: {
  client: Client;
  keys: { encryptionKey: string; previousEncryptionKeys: readonly string[] };
  code: WorkflowCode;
  selection: ReplaySelection;
}): AsyncGenerator<ReplayOutcome> {
  const { client, selection } = deps;
  const types = new Map<string, string>();
  async function* histories() {
    let taken = 0;
    for await (const execution of client.workflow.list({
      query: replayQuery(selection),
      pageSize: Math.min(selection.limit, 100),
    })) {
      if (taken >= selection.limit) return;
      taken += 1;
      types.set(execution.runId, execution.type);
      const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      yield { workflowId: execution.workflowId, history };
    }
  }
  const results = Worker.runReplayHistories(
    { ...deps.code, dataConverter: createDataConverter(deps.keys), replayName: 'frontdesk-replay' },
    histories(),
  );
  for await (const result of results) {
    yield {
      workflowType: types.get(result.runId) ?? 'unknown',
      workflowId: result.workflowId,
      runId: result.runId,
      ...(result.error ? { error: describeError(result.error) } : {}),
    };
  }
}

/** The error's message and, for a replay failure, what caused it (the decoding error, say). */
function describeError(error: Error): string {
  const cause =
    error.cause instanceof Error && !error.message.includes(error.cause.message) ? `: ${error.cause.message}` : '';
  return `${error.name}: ${error.message}${cause}`;
}
