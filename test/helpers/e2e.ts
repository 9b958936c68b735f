// The whole system for end-to-end tests: the real API on a real port, the real worker (same
// factory as the worker process) on its own task queue against the dev server the test command
// started, and a provider sandbox of its own whose webhooks reach that API. Only HTTP in and
// out, as a client or a provider would see it.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { DatabasePool } from 'slonik';
import { createApp } from '../../src/api/app';
import type { Config } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import { createFrontdeskWorkers, type FrontdeskWorkers } from '../../src/temporal/create-worker';
import { createWorkerConnection } from '../../src/temporal/worker-connection';
import { createAppPool } from './db';
import { listen, request, type TestResponse, type TestServer } from './http';
import { freePort, runEntryPoint } from './process';
import { startTestSandbox, type SandboxHarness } from './sandbox';
import { connectClient, quietTemporalRuntime } from './temporal';

const silent = createLogger({ name: 'e2e', level: 'silent', pretty: false });

export interface E2E {
  config: Config;
  server: TestServer;
  sandbox: SandboxHarness;
  pool: DatabasePool;
  temporal: Client;
  call(
    method: string,
    path: string,
    options?: { json?: unknown; raw?: string; token?: string; headers?: Record<string, string> },
  ): Promise<TestResponse>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export async function startE2E(env: Record<string, string | undefined> = {}): Promise<E2E> {
  quietTemporalRuntime();
  const port = await freePort();
  const taskQueue = `e2e-${randomUUID()}`;
  const sandbox = await startTestSandbox(
    { PORT: String(port), TEMPORAL_TASK_QUEUE: taskQueue, ...env },
    { apiUrl: `http://127.0.0.1:${port}` },
  );
  const config = sandbox.config;
  const pool = await createAppPool(config.database.url);
  const temporal = await connectClient(config);
  const server = await listen(createApp({ config, pool, temporal, logger: silent }), port);

  // Every queue (reminders, delivery, agents) on this stack's base queue, as `npm run dev` polls.
  let worker: { worker: FrontdeskWorkers; running: Promise<void>; connection: NativeConnection } | null = null;
  const startWorker = async () => {
    const connection = await createWorkerConnection(config.temporal);
    const w = await createFrontdeskWorkers({
      config,
      pool,
      connection,
      logger: silent,
      kinds: ['reminders', 'delivery', 'agents'],
      baseTaskQueue: taskQueue,
    });
    worker = { worker: w, running: w.run(), connection };
  };
  const stopWorker = async () => {
    if (!worker) return;
    const { worker: w, running, connection } = worker;
    worker = null;
    w.shutdown();
    await running;
    await connection.close();
  };
  await startWorker();

  return {
    config,
    server,
    sandbox,
    pool,
    temporal,
    call: (method, path, options = {}) => request(server, method, path, options),
    startWorker,
    stopWorker,
    async close() {
      await stopWorker();
      await server.close();
      await sandbox.close();
      await temporal.connection.close();
      await pool.end();
    },
  };
}

/**
 * The worker as a separate process (src/worker.ts) on this stack's task queue and sandbox, so a
 * test can SIGKILL it mid-activity the way a crash or a redeploy would.
 */
export function startWorkerProcess(
  e2e: E2E,
  env: Record<string, string> = {},
): { output: () => string; kill: () => Promise<void> } {
  const worker = runEntryPoint('src/worker.ts', {
    SANDBOX: '1',
    SANDBOX_URL: e2e.config.sandbox.url,
    TEMPORAL_TASK_QUEUE: e2e.config.temporal.taskQueue,
    PUBLIC_BASE_URL: e2e.config.http.publicBaseUrl,
    ...env,
  });
  return {
    output: worker.output,
    kill: async () => {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await worker.exited;
    },
  };
}
