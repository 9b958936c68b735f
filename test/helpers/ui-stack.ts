// A Temporal dev server of the test's own with its Web UI, whose --ui-codec-endpoint points at an
// API on a fixed free port, a worker, a sandbox and headless Chromium: what the browser tests of
// the Temporal UI need. The shared dev server the test command starts has no UI.
import { randomUUID } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import { chromium, type Browser } from 'playwright-core';
import type { DatabasePool } from 'slonik';
import { freePort } from '../../scripts/stack/ports';
import { startTemporalDevServer, type LocalTemporal } from '../../scripts/stack/temporal';
import { createApp } from '../../src/api/app';
import { createLogger } from '../../src/observability/logger';
import { createFrontdeskWorkers, type FrontdeskWorkers } from '../../src/temporal/create-worker';
import { createAppPool } from './db';
import { listen, type TestServer } from './http';
import { startTestSandbox, type SandboxHarness } from './sandbox';
import { connectClient, quietTemporalRuntime } from './temporal';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface UiStack {
  api: TestServer;
  uiUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startUiStack(env: Record<string, string> = {}): Promise<UiStack> {
  const cli = process.env.TEMPORAL_CLI;
  if (!cli)
    throw new Error(
      'TEMPORAL_CLI is not set: run the tests through npm test (scripts/bootstrap.sh installs the temporal CLI)',
    );
  quietTemporalRuntime();
  const [apiPort, grpcPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const logger = createLogger({ name: 'test', level: 'silent', pretty: false });
  const parts: {
    temporal?: LocalTemporal;
    sandbox?: SandboxHarness;
    pool?: DatabasePool;
    api?: TestServer;
    browser?: Browser;
  } = {};
  let worker: { worker: FrontdeskWorkers; running: Promise<void>; connection: NativeConnection } | undefined;
  const close = async () => {
    await parts.browser?.close();
    if (worker) {
      worker.worker.shutdown();
      await worker.running;
      await worker.connection.close();
    }
    await parts.api?.close();
    await parts.sandbox?.close();
    await parts.pool?.end();
    await parts.temporal?.stop();
  };
  try {
    parts.temporal = await startTemporalDevServer({
      cli,
      port: grpcPort,
      uiPort,
      dbFile: null,
      codecEndpoint: `${apiUrl}/api/temporal/codec`,
      quiet: true,
    });
    const uiUrl = parts.temporal.uiUrl as string;
    const taskQueue = `ui-codec-${randomUUID()}`;
    parts.sandbox = await startTestSandbox(
      {
        TEMPORAL_ADDRESS: parts.temporal.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        TEMPORAL_UI_URL: uiUrl,
        PORT: String(apiPort),
        ...env,
      },
      { apiUrl },
    );
    const config = parts.sandbox.config;
    parts.pool = await createAppPool(config.database.url);
    parts.api = await listen(
      createApp({ config, pool: parts.pool, temporal: await connectClient(config), logger }),
      apiPort,
    );
    const connection = await NativeConnection.connect({ address: parts.temporal.address });
    const w = await createFrontdeskWorkers({
      config,
      pool: parts.pool,
      connection,
      logger,
      kinds: ['reminders', 'delivery', 'agents'],
      baseTaskQueue: taskQueue,
    });
    worker = { worker: w, running: w.run(), connection };
    parts.browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    return { api: parts.api, uiUrl, browser: parts.browser, close };
  } catch (err) {
    await close();
    throw err;
  }
}
