// One set of Temporal's standard variables, as an operator would export them for Temporal Cloud
// or a self-hosted server behind mTLS, works unchanged for the API's client, the worker's native
// connection and the official `temporal` CLI. The test dev server is put behind a TLS front that
// requires a client certificate, with a host name other than its address and a CA of its own.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { DatabasePool } from 'slonik';
import { loadConfig, type Config } from '../../src/config';
import { probeWorkflowId } from '../../src/domain/workflow-ids';
import { createLogger } from '../../src/observability/logger';
import { createTemporalClient } from '../../src/temporal/client';
import { createFrontdeskWorker } from '../../src/temporal/create-worker';
import { createWorkerConnection } from '../../src/temporal/worker-connection';
import type { ProbeResult } from '../../src/workflows/probe.contract';
import { createAppPool } from '../helpers/db';
import { quietTemporalRuntime } from '../helpers/temporal';
import { makeTestPki, startTlsProxy, type TestPki, type TlsProxy } from '../helpers/tls-proxy';

const run = promisify(execFile);

let pki: TestPki;
let proxy: TlsProxy;
let operatorEnv: Record<string, string>;
let config: Config;
let client: Client;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let pool: DatabasePool;

/** The machine's environment without any Temporal connection variable the test stack set. */
function withoutTemporalConnection(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k, v]) => v !== undefined && !/^TEMPORAL_(ADDRESS|NAMESPACE|API_KEY|TLS|PROFILE|CONFIG_FILE|GRPC_META)/.test(k),
    ),
  ) as Record<string, string>;
}

function cli(args: string[], env: Record<string, string>) {
  const path = process.env.TEMPORAL_CLI;
  if (!path)
    throw new Error(
      'TEMPORAL_CLI is not set: run the tests through npm test (scripts/bootstrap.sh installs the temporal CLI)',
    );
  // No connection flags: the CLI reads the same variables the app does.
  return run(path, args, { env, timeout: 30_000 });
}

beforeAll(async () => {
  quietTemporalRuntime();
  pki = makeTestPki();
  const [host, port] = (process.env.TEMPORAL_ADDRESS as string).split(':') as [string, string];
  proxy = await startTlsProxy(pki, { host, port: Number(port) });
  operatorEnv = {
    TEMPORAL_ADDRESS: proxy.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TLS_SERVER_NAME: pki.serverName,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.caCertPath,
    // Inline, as a secret store would inject them.
    TEMPORAL_TLS_CLIENT_CERT_DATA: fs.readFileSync(pki.clientCertPath, 'utf8'),
    TEMPORAL_TLS_CLIENT_KEY_DATA: fs.readFileSync(pki.clientKeyPath, 'utf8'),
  };
  config = loadConfig({
    ...withoutTemporalConnection(),
    LOG_LEVEL: 'silent',
    TEMPORAL_TASK_QUEUE: `standard-env-${randomUUID()}`,
    ...operatorEnv,
  });
  client = await createTemporalClient(config);
  pool = await createAppPool();
  connection = await createWorkerConnection(config.temporal);
  worker = await createFrontdeskWorker({
    config,
    pool,
    connection,
    logger: createLogger({ name: 'test', level: 'silent', pretty: false }),
  });
  running = worker.run();
});

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await connection?.close();
  await client?.connection.close();
  await pool?.end();
  await proxy?.close();
  pki?.remove();
});

it('the API client starts a workflow that the worker runs, and the CLI reads it, all over mTLS', async () => {
  const workflowId = probeWorkflowId(config.defaultTenantId, randomUUID());
  const result = await client.workflow.execute<(input: { note: string }) => Promise<ProbeResult>>('probe', {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [{ note: 'through mTLS' }],
  });
  expect(result).toMatchObject({ databaseOk: true, note: 'through mTLS' });

  const { stdout } = await cli(['workflow', 'describe', '--workflow-id', workflowId, '--output', 'json'], {
    ...withoutTemporalConnection(),
    ...operatorEnv,
  });
  const described = JSON.parse(stdout) as {
    workflowExecutionInfo: { type: { name: string }; status: string; taskQueue: string };
  };
  expect(described.workflowExecutionInfo).toMatchObject({
    type: { name: 'probe' },
    status: 'WORKFLOW_EXECUTION_STATUS_COMPLETED',
    taskQueue: config.temporal.taskQueue,
  });
});

it('the CLI starts a workflow with the same variables, and the worker and the API client see it through', async () => {
  const workflowId = probeWorkflowId(config.defaultTenantId, randomUUID());
  await cli(
    [
      'workflow',
      'start',
      '--type',
      'probe',
      '--task-queue',
      config.temporal.taskQueue,
      '--workflow-id',
      workflowId,
      '--input',
      '{"note":"from the CLI"}',
    ],
    { ...withoutTemporalConnection(), ...operatorEnv },
  );
  const result = await client.workflow.getHandle(workflowId).result();
  expect(result).toMatchObject({ databaseOk: true, note: 'from the CLI' });
});

it('the TLS front really requires the client certificate: without it neither the CLI nor the app gets in', async () => {
  const { TEMPORAL_TLS_CLIENT_CERT_DATA: _cert, TEMPORAL_TLS_CLIENT_KEY_DATA: _key, ...noClientCert } = operatorEnv;
  await expect(
    cli(['workflow', 'list', '--limit', '1', '--command-timeout', '5s'], {
      ...withoutTemporalConnection(),
      ...noClientCert,
    }),
  ).rejects.toThrow();
  const bare = loadConfig({ ...withoutTemporalConnection(), LOG_LEVEL: 'silent', ...noClientCert });
  await expect(createTemporalClient(bare)).rejects.toThrow();
});
