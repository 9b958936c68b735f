// `npm run replay`: replays the histories of workflows in a real namespace (production, before a
// deploy) against this checkout's workflow code, or a pre-built bundle, and prints per workflow OK
// or the non-determinism error. Exit 0 when every history replayed, 1 when any failed, 2 on bad
// arguments, 78 on bad configuration. Connects with the same settings as the API and the worker
// (Temporal's standard variables, see docs/configuration.md) and decrypts with ENCRYPTION_KEY
// (and ENCRYPTION_KEYS_PREVIOUS); nothing else of the config is needed.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { ConfigError, loadTemporalAccess } from './config';
import { createTemporalClient } from './temporal/client';
import { describeTemporalConnection } from './temporal/connection-settings';
import { workflowSource } from './temporal/create-worker';
import {
  replayNamespaceHistories,
  replayQuery,
  type ReplaySelection,
  type WorkflowCode,
} from './temporal/replay-histories';
import { taskQueueNames } from './temporal/task-queues';

const USAGE = `Usage: npm run replay -- [options]

Replays the histories of workflows in the Temporal namespace the config names against this
checkout's workflow code, and prints per workflow OK or the non-determinism error.

Options:
  --type <workflowType>   only this workflow type (repeatable)
  --query <query>         a visibility query of your own, ANDed with the rest
                          (e.g. "WorkflowId STARTS_WITH 'invoice:'")
  --since <when>          only workflows started at or after: an ISO time, or 30m / 12h / 7d ago
  --until <when>          only workflows started before: likewise
  --running               only workflows still running (the ones a deploy's workers take over)
  --limit <n>             at most this many workflows, newest first (default 100)
  --task-queue <name>     workflows of this task queue (repeatable; default the three of
                          TEMPORAL_TASK_QUEUE: frontdesk, frontdesk-delivery, frontdesk-agents)
  --bundle <file>         replay against this pre-built workflow bundle (npm run build writes
                          dist/workflow-bundle.js) instead of this checkout's source
  -h, --help              this text

Exit code: 0 every history replayed, 1 one or more failed, 2 bad arguments, 78 bad configuration.`;

class UsageError extends Error {}

function parseWhen(option: string, value: string | undefined, now: number): Date | undefined {
  if (value === undefined) return undefined;
  const relative = /^(\d+)([mhd])$/.exec(value);
  if (relative)
    return new Date(
      now - Number(relative[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'],
    );
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new UsageError(`--${option} must be an ISO time or a duration such as 30m, 12h or 7d`);
  return new Date(at);
}

function parseCommandLine(
  argv: string[],
  baseTaskQueue: string,
): { selection: ReplaySelection; code: WorkflowCode } | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        type: { type: 'string', multiple: true },
        query: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        running: { type: 'boolean' },
        limit: { type: 'string' },
        'task-queue': { type: 'string', multiple: true },
        bundle: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
  const now = Date.now();
  return {
    selection: {
      taskQueues:
        values['task-queue'] && values['task-queue'].length > 0
          ? values['task-queue']
          : Object.values(taskQueueNames(baseTaskQueue)),
      types: values.type ?? [],
      ...(values.query ? { query: values.query } : {}),
      ...(values.since ? { since: parseWhen('since', values.since, now) } : {}),
      ...(values.until ? { until: parseWhen('until', values.until, now) } : {}),
      runningOnly: values.running ?? false,
      limit,
    },
    code: values.bundle ? { workflowBundle: { codePath: path.resolve(values.bundle) } } : workflowSource(),
  };
}

async function main(): Promise<number> {
  let access;
  try {
    access = loadTemporalAccess();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 78;
    }
    throw err;
  }
  let parsed;
  try {
    parsed = parseCommandLine(process.argv.slice(2), access.temporal.taskQueue);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { selection, code } = parsed;

  // The replay worker's own logs stay out of the report, errors aside.
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
  });
  const { address, namespace } = describeTemporalConnection(access.temporal);
  const against = 'workflowBundle' in code ? code.workflowBundle.codePath : 'this checkout’s workflow source';
  process.stdout.write(`Replaying from ${String(address)}, namespace ${String(namespace)}, against ${against}\n`);
  process.stdout.write(`Query: ${replayQuery(selection)} (at most ${selection.limit})\n`);

  const client = await createTemporalClient(access);
  let ok = 0;
  let failed = 0;
  try {
    for await (const outcome of replayNamespaceHistories({ client, keys: access, code, selection })) {
      const id = `${outcome.workflowType}  ${outcome.workflowId}  ${outcome.runId}`;
      if (outcome.error === undefined) {
        ok += 1;
        process.stdout.write(`OK      ${id}\n`);
      } else {
        failed += 1;
        process.stdout.write(`FAILED  ${id}\n        ${outcome.error.replace(/\n/g, '\n        ')}\n`);
      }
    }
  } finally {
    await client.connection.close();
  }
  if (ok + failed === 0) process.stdout.write('No workflow matched: nothing replayed.\n');
  else process.stdout.write(`${ok + failed} replayed: ${ok} OK, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`replay failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
