// The worker process: config → pool → Temporal native connection → Worker. On SIGTERM/SIGINT the
// Temporal runtime stops polling, in-flight activities drain (up to WORKER_SHUTDOWN_GRACE_MS),
// then the pool and connection close and the process exits 0.
import { bootCommon } from './boot';
import { createFrontdeskWorker } from './temporal/create-worker';
import { installTemporalRuntimeLogger } from './temporal/runtime-logger';
import { createWorkerConnection } from './temporal/worker-connection';

async function main(): Promise<void> {
  const { config, logger, pool } = await bootCommon('worker');
  installTemporalRuntimeLogger(logger);
  const connection = await createWorkerConnection(config.temporal);
  const worker = await createFrontdeskWorker({ config, pool, connection, logger });
  logger.info(
    { taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace, address: config.temporal.address },
    'worker started',
  );
  await worker.run(); // resolves once a shutdown signal has drained the worker
  await pool.end();
  await connection.close();
  logger.info('worker stopped');
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
