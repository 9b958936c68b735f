// The worker process: config → pool → Temporal native connection → one Worker per task queue it
// polls (WORKER_TASK_QUEUES: reminders, delivery, agents; all by default), sharing the connection,
// the pool and the workflow bundle. On SIGTERM/SIGINT the Temporal runtime stops every Worker's
// polling, in-flight activities drain (up to WORKER_SHUTDOWN_GRACE_MS), then the pool and
// connection close and the process exits 0. If one Worker fails the others are shut down with it.
import type { NativeConnection } from '@temporalio/worker';
import type { DatabasePool } from 'slonik';
import { bootCommon } from './boot';
import type { Config } from './config';
import { listTenantIds } from './db/guardian-tenants';
import type { Logger } from './observability/logger';
import { createTemporalClient } from './temporal/client';
import { findSearchAttributeProblems, searchAttributeMessage } from './temporal/search-attribute-check';
import { describeTemporalConnection } from './temporal/connection-settings';
import { createFrontdeskWorkers, workflowSource } from './temporal/create-worker';
import { installTemporalRuntimeLogger } from './temporal/runtime-logger';
import type { TaskQueueKind } from './temporal/task-queues';
import { createWorkerConnection } from './temporal/worker-connection';
import { ensureGuardians } from './workflow-starters/guardian';
import { ensureHousekeepingSchedule } from './workflow-starters/housekeeping';
import { ensureOverdueDigestSchedule } from './workflow-starters/overdue-digest';

async function main(): Promise<void> {
  const { config, logger, pool } = await bootCommon('worker');
  installTemporalRuntimeLogger(logger, config.temporal.workerMetricsBindAddress);
  const connection = await createWorkerConnection(config.temporal);
  await refuseWithoutSearchAttributes(connection, config, pool, logger);
  const workers = await createFrontdeskWorkers({ config, pool, connection, logger });
  keepDrainingOnRepeatedSignals(logger);
  logger.info(
    {
      taskQueues: Object.fromEntries(workers.workers.map((w) => [w.kind, w.taskQueue])),
      tuning: Object.fromEntries(workers.workers.map((w) => [w.kind, config.worker.tuning[w.kind]])),
      ...describeTemporalConnection(config.temporal),
      workflowCode: 'workflowBundle' in workflowSource() ? 'pre-built bundle' : 'bundled at start',
      metrics: config.temporal.workerMetricsBindAddress
        ? `http://${config.temporal.workerMetricsBindAddress}/metrics`
        : null,
    },
    'worker started',
  );
  // run() resolves once a shutdown signal has drained the worker; the sweep runs beside it and
  // stops early on shutdown.
  let stopping = false;
  const running = workers.run().finally(() => {
    stopping = true;
  });
  await Promise.all([running, startPlatformWorkflows(config, pool, logger, () => stopping)]);
  await pool.end();
  await connection.close();
  logger.info('worker stopped');
  process.exit(0);
}

/**
 * Exits 78 (EX_CONFIG), naming what to register, when the namespace lacks a search attribute the
 * workflows write: otherwise each start or task that sets it would fail, one by one, later.
 */
async function refuseWithoutSearchAttributes(
  connection: NativeConnection,
  config: Config,
  pool: DatabasePool,
  logger: Logger,
): Promise<void> {
  const { namespace } = config.temporal;
  const problems = await findSearchAttributeProblems(connection, namespace);
  if (problems === null) {
    logger.warn({ namespace }, 'search attributes not checked: this connection may not list them');
    return;
  }
  if (problems.length === 0) return;
  logger.error(
    { namespace, searchAttributes: problems },
    'worker refused to start: the namespace lacks search attributes the workflows write',
  );
  process.stderr.write(`${searchAttributeMessage(namespace, problems)}\n`);
  await connection.close();
  await pool.end();
  process.exit(78);
}

/**
 * The Temporal runtime stops listening after the first SIGTERM/SIGINT; without a listener of our
 * own a second one (a supervisor signalling the process group and the process, an impatient
 * Ctrl-C) would kill the process mid-drain with 143. A hard stop is SIGKILL's job.
 */
function keepDrainingOnRepeatedSignals(logger: Logger): void {
  let told = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (told) return;
    told = true;
    logger.info({ signal }, 'shutdown requested: draining in-flight activities');
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * What must always run: the housekeeping and overdue digest Schedules (by a process that polls
 * the reminders queue, where their passes run), and (GUARDIAN_BOOT_SWEEP, by one that polls the
 * agents queue) a guardian for every tenant without one (tenants from before it existed, or after
 * a terminate).
 */
async function startPlatformWorkflows(
  config: Config,
  pool: DatabasePool,
  logger: Logger,
  stopping: () => boolean,
): Promise<void> {
  const polls = (kind: TaskQueueKind) => config.worker.taskQueues.includes(kind);
  if (!polls('reminders') && !polls('agents')) return;
  try {
    const client = await createTemporalClient(config);
    try {
      if (polls('reminders')) {
        const housekeeping = await ensureHousekeepingSchedule(client, config);
        logger.info(
          { ...housekeeping, intervalMinutes: config.housekeeping.intervalMs / 60_000 },
          'housekeeping schedule checked',
        );
        logger.info({ schedule: await ensureOverdueDigestSchedule(client, config) }, 'overdue digest schedule checked');
      }
      if (polls('agents') && config.guardian.bootSweep) {
        const result = await ensureGuardians({
          client,
          config,
          logger,
          tenantIds: await listTenantIds(pool),
          stopping,
        });
        logger.info(result, 'guardians checked for every tenant');
      }
    } finally {
      await client.connection.close();
    }
  } catch (err) {
    // Not fatal: the worker still serves every workflow; the next boot tries again.
    logger.error(
      { err: err instanceof Error ? err.message : String(err) },
      'could not check the housekeeping or overdue digest schedules or start the missing guardians',
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
