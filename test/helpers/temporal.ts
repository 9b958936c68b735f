import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import {
  Runtime,
  DefaultLogger,
  Worker,
  makeTelemetryFilterString,
  type NativeConnection,
  type WorkerOptions,
} from '@temporalio/worker';
import type { DatabasePool } from 'slonik';
import { createFrontdeskWorkers, type FrontdeskWorkers } from '../../src/temporal/create-worker';
import { createWorkerConnection } from '../../src/temporal/worker-connection';
import { createLogger } from '../../src/observability/logger';
import type { Config } from '../../src/config';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../src/domain/search-attributes';
import { createTemporalClient } from '../../src/temporal/client';
import { testConfig } from './config';
import { eventually } from './eventually';

let runtimeInstalled = false;
/** Keeps the Temporal runtime quiet in tests unless LOG_LEVEL asks otherwise. */
export function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  // Activity failures that tests provoke on purpose log at WARN; only errors are shown.
  const level = (process.env.TEMPORAL_LOG_LEVEL as 'ERROR' | undefined) ?? 'ERROR';
  Runtime.install({
    logger: new DefaultLogger(level),
    // The Rust core logs to the console on its own unless told otherwise.
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: level }), forward: {} } },
  });
}

/** A client like the API's: same connection settings and encrypting data converter. */
export async function connectClient(config: Config = testConfig()): Promise<Client> {
  return createTemporalClient(config);
}

/**
 * The real worker (same factory as src/worker.ts) on its own task queues (the reminders queue
 * `taskQueue`, and its delivery and agents queues) against the dev server the test command
 * started, so test files do not steal each other's tasks.
 */
export async function startTestWorker(
  config: Config,
  pool: DatabasePool,
  taskQueue = `test-${randomUUID()}`,
): Promise<{
  worker: FrontdeskWorkers;
  taskQueue: string;
  connection: NativeConnection;
  running: Promise<void>;
  stop: () => Promise<void>;
}> {
  quietTemporalRuntime();
  const connection = await createWorkerConnection(config.temporal);
  const worker = await createFrontdeskWorkers({
    config,
    pool,
    connection,
    logger: createLogger({ name: 'test-worker', level: 'silent', pretty: false }),
    kinds: ['reminders', 'delivery', 'agents'],
    baseTaskQueue: taskQueue,
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

// Workers a test file made with createTestWorker(), stopped before their server goes away. A test
// that times out inside worker.runUntil() leaves its worker running; were the server torn down
// under it, its pollers would retry forever and keep the test process from ever exiting.
const fileWorkers = new Set<Worker>();

/** Worker.create, remembered so the time-skipping env's teardown stops it first. */
export async function createTestWorker(options: WorkerOptions): Promise<Worker> {
  quietTemporalRuntime();
  const worker = await Worker.create(options);
  fileWorkers.add(worker);
  return worker;
}

async function stopFileWorkers(): Promise<void> {
  for (const worker of fileWorkers) if (worker.getState() === 'RUNNING') worker.shutdown();
  await eventually(
    () =>
      [...fileWorkers].every((w) => ['INITIALIZED', 'STOPPED', 'FAILED'].includes(w.getState())) ? true : undefined,
    30_000,
    'workers stopped',
  );
  fileWorkers.clear();
}

/**
 * The time-skipping test server (from TEMPORAL_TEST_SERVER_PATH, never a download), with the
 * project's search attributes registered: without them it leaves a child workflow that sets
 * them waiting forever.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietTemporalRuntime();
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER_PATH is not set: run the tests through npm test');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(CUSTOM_SEARCH_ATTRIBUTES.map(({ key }) => [key.name, keyword])),
  });
  const teardown = env.teardown.bind(env);
  env.teardown = async () => {
    await stopFileWorkers().finally(teardown);
  };
  return env;
}

/**
 * A namespace of its own on the test dev server, registered through the operator API as an
 * operator would set one up, with the given custom search attributes (name → type; default: all
 * of the project's). Resolves once the server serves it with them (a new namespace reaches the
 * server's caches within seconds). For tests whose subject is namespace-wide (a Schedule id, the
 * worker's boot check), so parallel test files never meet.
 */
export async function createTestNamespace(
  connection: Client['connection'],
  searchAttributes: Record<string, temporal.api.enums.v1.IndexedValueType> = Object.fromEntries(
    CUSTOM_SEARCH_ATTRIBUTES.map(({ key }) => [
      key.name,
      temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    ]),
  ),
  prefix = 'test',
): Promise<string> {
  const namespace = `${prefix}-${randomUUID().slice(0, 8)}`;
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  await eventually(
    async () => {
      try {
        await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
        const listed = await connection.operatorService.listSearchAttributes({ namespace });
        return Object.keys(searchAttributes).every((name) => name in (listed.customAttributes ?? {}))
          ? true
          : undefined;
      } catch {
        return undefined;
      }
    },
    30_000,
    `namespace ${namespace} ready`,
  );
  return namespace;
}
