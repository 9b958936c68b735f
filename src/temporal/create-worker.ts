// Builds the Temporal workers the same way for the worker process and for tests: one Worker per
// task queue this process polls (temporal/task-queues.ts), all on one connection, one database
// pool and one workflow bundle, each tuned for its kind of work (config.worker.tuning).
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { DatabasePool } from 'slonik';
import { createActivities } from '../activities';
import type { Config } from '../config';
import type { Logger } from '../observability/logger';
import { createDataConverter } from './data-converter';
import { taskQueueNames, TASK_QUEUE_KINDS, type TaskQueueKind } from './task-queues';

/** Written by `npm run build` (scripts/bundle-workflows.ts); used in production when present. */
export const WORKFLOW_BUNDLE_PATH = path.resolve(__dirname, '../../workflow-bundle.js');

export function workflowSource(): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  if (fs.existsSync(WORKFLOW_BUNDLE_PATH)) return { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } };
  return { workflowsPath: require.resolve('../workflows') };
}

interface WorkerDeps {
  config: Config;
  pool: DatabasePool;
  connection: NativeConnection;
  logger: Logger;
}

function workerOptions(
  deps: WorkerDeps,
  kind: TaskQueueKind,
  taskQueue: string,
  activities: WorkerOptions['activities'],
): Omit<WorkerOptions, 'workflowsPath' | 'workflowBundle'> {
  const { config } = deps;
  const tuning = config.worker.tuning[kind];
  return {
    connection: deps.connection,
    namespace: config.temporal.namespace,
    taskQueue,
    dataConverter: createDataConverter(config),
    activities,
    // Bounded so memory stays flat however many long-running workflows a tenant has.
    maxCachedWorkflows: tuning.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTaskExecutions,
    maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivityTaskExecutions,
    workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: tuning.workflowTaskPollers },
    activityTaskPollerBehavior: { type: 'simple-maximum', maximum: tuning.activityTaskPollers },
    // On SIGTERM, in-flight activities get this long to finish before they are cancelled.
    shutdownGraceTime: config.worker.shutdownGraceMs,
  };
}

/** One Worker on one queue (tuned as the reminders queue unless `kind` says otherwise). */
export async function createFrontdeskWorker(
  deps: WorkerDeps & { taskQueue?: string; kind?: TaskQueueKind },
): Promise<Worker> {
  const taskQueue = deps.taskQueue ?? deps.config.temporal.taskQueue;
  const activities = createActivities({ config: deps.config, pool: deps.pool, logger: deps.logger });
  return Worker.create({
    ...workerOptions(deps, deps.kind ?? 'reminders', taskQueue, activities),
    ...workflowSource(),
  });
}

export interface FrontdeskWorkers {
  /** The queues polled, by kind, and each one's Worker. */
  workers: { kind: TaskQueueKind; taskQueue: string; worker: Worker }[];
  /** Runs every Worker; resolves once all have stopped. If one fails, the others are shut down too. */
  run(): Promise<void>;
  /** Starts the graceful shutdown of every Worker (a SIGTERM does the same through the runtime). */
  shutdown(): void;
}

/**
 * A Worker for each queue kind in `kinds` (default: the config's WORKER_TASK_QUEUES), the queue
 * names derived from `baseTaskQueue` (default TEMPORAL_TASK_QUEUE). The workflow code is bundled
 * once for all of them.
 */
export async function createFrontdeskWorkers(
  deps: WorkerDeps & { kinds?: readonly TaskQueueKind[]; baseTaskQueue?: string },
): Promise<FrontdeskWorkers> {
  const kinds = TASK_QUEUE_KINDS.filter((k) => (deps.kinds ?? deps.config.worker.taskQueues).includes(k));
  if (kinds.length === 0) throw new Error('no task queue to poll');
  const names = taskQueueNames(deps.baseTaskQueue ?? deps.config.temporal.taskQueue);
  const source = workflowSource();
  const workflowBundle =
    'workflowBundle' in source
      ? source.workflowBundle
      : await bundleWorkflowCode({ workflowsPath: source.workflowsPath, logger: quietBundlerLogger(deps.logger) });
  const activities = createActivities({ config: deps.config, pool: deps.pool, logger: deps.logger });
  const workers: FrontdeskWorkers['workers'] = [];
  try {
    for (const kind of kinds) {
      workers.push({
        kind,
        taskQueue: names[kind],
        worker: await Worker.create({ ...workerOptions(deps, kind, names[kind], activities), workflowBundle }),
      });
    }
  } catch (err) {
    // Workers already created hold native resources until they have run and stopped.
    await Promise.allSettled(workers.map(({ worker }) => worker.runUntil(Promise.resolve())));
    throw err;
  }
  const shutdown = () => {
    for (const { worker } of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  return {
    workers,
    shutdown,
    async run() {
      const results = await Promise.allSettled(
        workers.map(({ worker }) =>
          worker.run().catch((err: unknown) => {
            shutdown();
            throw err;
          }),
        ),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/** The bundler's progress lines at debug, its warnings and errors as they are. */
function quietBundlerLogger(logger: Logger) {
  return {
    trace: (message: string, meta?: Record<string, unknown>) => logger.trace(meta ?? {}, message),
    debug: (message: string, meta?: Record<string, unknown>) => logger.debug(meta ?? {}, message),
    info: (message: string, meta?: Record<string, unknown>) => logger.debug(meta ?? {}, message),
    warn: (message: string, meta?: Record<string, unknown>) => logger.warn(meta ?? {}, message),
    error: (message: string, meta?: Record<string, unknown>) => logger.error(meta ?? {}, message),
    log: (_level: string, message: string, meta?: Record<string, unknown>) => logger.debug(meta ?? {}, message),
  };
}
