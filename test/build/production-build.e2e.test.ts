// The deploy path (Procfile, railway.json): what `npm run build` writes runs as production runs
// it. The worker from dist/ loads the pre-built workflow bundle and completes a workflow, which the
// replay command from dist/ replays against that bundle; the API from dist/ serves health; both
// exit 0 on SIGTERM.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { TenantIdKey } from '../../src/domain/search-attributes';
import { freePort, ROOT, runEntryPoint } from '../helpers/process';
import { eventually } from '../helpers/eventually';
import { connectClient } from '../helpers/temporal';

let client: Client;
/** The queue of the workflow the built worker completed, for the built replay command. */
let builtWorkerQueue: string;

beforeAll(async () => {
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
  client = await connectClient();
}, 240_000);

afterAll(() => client?.connection.close());

it('runs the built worker on the pre-built workflow bundle: a workflow completes, SIGTERM exits 0', async () => {
  const taskQueue = `built-worker-${randomUUID()}`;
  builtWorkerQueue = taskQueue;
  const worker = runEntryPoint('dist/src/worker.js', { TEMPORAL_TASK_QUEUE: taskQueue });
  try {
    await worker.waitForOutput(/worker started/);
    expect(worker.output()).toMatch(/pre-built bundle/);
    const tenantId = randomUUID();
    const result = await client.workflow.execute('probe', {
      taskQueue,
      workflowId: `probe:${tenantId}:${randomUUID()}`,
      args: [{ note: 'from dist' }],
      typedSearchAttributes: [{ key: TenantIdKey, value: tenantId }],
    });
    expect(result).toMatchObject({ databaseOk: true, note: 'from dist' });
  } finally {
    worker.child.kill('SIGTERM');
  }
  expect(await worker.exited).toBe(0);
  expect(worker.output()).toMatch(/worker stopped/);
}, 120_000);

it('runs the built replay command against the built bundle: the workflow the built worker ran replays OK', async () => {
  await eventually(
    async () => {
      for await (const _ of client.workflow.list({ query: `TaskQueue = '${builtWorkerQueue}'` })) return true;
      return undefined;
    },
    20_000,
    'the workflow listed',
  );
  const replay = runEntryPoint('dist/src/replay-cli.js', {}, ['--task-queue', builtWorkerQueue, '--type', 'probe']);
  expect(await replay.exited).toBe(0);
  expect(replay.output()).toMatch(/against .*dist\/workflow-bundle\.js/);
  expect(replay.output()).toMatch(/^OK +probe /m);
  expect(replay.output()).toContain('1 replayed: 1 OK, 0 failed');
}, 60_000);

it('runs the built API: health answers 200, SIGTERM exits 0', async () => {
  const port = await freePort();
  const api = runEntryPoint('dist/src/api/server.js', { PORT: String(port) });
  try {
    await api.waitForOutput(/API listening/);
    const res = await fetch(`http://127.0.0.1:${port}/api/health/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', checks: { db: 'ok', temporal: 'ok', encryption: 'ok' } });
  } finally {
    api.child.kill('SIGTERM');
  }
  expect(await api.exited).toBe(0);
}, 60_000);
