// Builds the Temporal worker the same way for the worker process and for tests.
import fs from 'node:fs';
import path from 'node:path';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { DatabasePool } from 'slonik';
import { createActivities } from '../activities';
import type { Config } from '../config';
import type { Logger } from '../observability/logger';
import { createDataConverter } from './data-converter';

/** Written by `npm run build` (scripts/bundle-workflows.ts); used in production when present. */
export const WORKFLOW_BUNDLE_PATH = path.resolve(__dirname, '../../workflow-bundle.js');

export function workflowSource(): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  if (fs.existsSync(WORKFLOW_BUNDLE_PATH)) return { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } };
  return { workflowsPath: require.resolve('../workflows') };
}

export async function createFrontdeskWorker(deps: {
  config: Config;
  pool: DatabasePool;
  connection: NativeConnection;
  logger: Logger;
  taskQueue?: string;
}): Promise<Worker> {
  const { config } = deps;
  return Worker.create({
    connection: deps.connection,
    namespace: config.temporal.namespace,
    taskQueue: deps.taskQueue ?? config.temporal.taskQueue,
    ...workflowSource(),
    dataConverter: createDataConverter(config),
    activities: createActivities({ config, pool: deps.pool, logger: deps.logger }),
    // Bounded so memory stays flat however many long-running workflows a tenant has.
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
    // On SIGTERM, in-flight activities get this long to finish before they are cancelled.
    shutdownGraceTime: config.worker.shutdownGraceMs,
  });
}
