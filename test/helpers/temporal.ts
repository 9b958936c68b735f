import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import type { DatabasePool } from 'slonik';
import { createFrontdeskWorker } from '../../src/temporal/create-worker';
import { createLogger } from '../../src/observability/logger';
import type { Config } from '../../src/config';

let runtimeInstalled = false;
/** Keeps the Temporal runtime quiet in tests unless LOG_LEVEL asks otherwise. */
export function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

export async function connectClient(): Promise<Client> {
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS as string });
  return new Client({ connection, namespace: 'default' });
}

/**
 * The real worker (same factory as src/worker.ts) on its own task queue against the dev server
 * the test command started, so test files do not steal each other's tasks.
 */
export async function startTestWorker(config: Config, pool: DatabasePool): Promise<{
  worker: Worker;
  taskQueue: string;
  connection: NativeConnection;
  running: Promise<void>;
  stop: () => Promise<void>;
}> {
  quietTemporalRuntime();
  const taskQueue = `test-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await createFrontdeskWorker({
    config,
    pool,
    connection,
    logger: createLogger({ name: 'test-worker', level: 'silent', pretty: false }),
    taskQueue,
  });
  const running = worker.run();
  return {
    worker,
    taskQueue,
    connection,
    running,
    stop: async () => {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
