// `npm run replay` (src/replay-cli.ts) as an operator runs it before a deploy: histories fetched
// from the namespace (here the test dev server), decrypted through the payload codec and replayed
// against the workflow code, one line per workflow, exit code 1 when any fails. Workflows are run
// first by the real worker on a task queue of this file's own.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { DatabasePool } from 'slonik';
import type { Client } from '@temporalio/client';
import { HOUSEKEEPING_PASS_WORKFLOW_ID, probeWorkflowId } from '../src/domain/workflow-ids';
import type { ProbeResult } from '../src/workflows/probe.contract';
import { testConfig } from './helpers/config';
import { createAppPool } from './helpers/db';
import { eventually } from './helpers/eventually';
import { runEntryPoint } from './helpers/process';
import { connectClient, startTestWorker } from './helpers/temporal';

let pool: DatabasePool;
let client: Client;
let taskQueue: string;
let tenantId: string;
const completed: string[] = [];
let running: string;
let passId: string;
let onAgents: string;
let dir: string;
let currentBundle: string;

beforeAll(async () => {
  const config = testConfig();
  tenantId = config.defaultTenantId;
  pool = await createAppPool();
  client = await connectClient(config);
  const worker = await startTestWorker(config, pool);
  taskQueue = worker.taskQueue;
  try {
    for (const note of ['first', 'second']) {
      const workflowId = probeWorkflowId(tenantId, randomUUID());
      await client.workflow.execute<(input: { note: string }) => Promise<ProbeResult>>('probe', {
        workflowId,
        taskQueue,
        args: [{ note }],
      });
      completed.push(workflowId);
    }
    // One on the agents queue: the default replays all three queues of TEMPORAL_TASK_QUEUE.
    onAgents = probeWorkflowId(tenantId, randomUUID());
    await client.workflow.execute<(input: { note: string }) => Promise<ProbeResult>>('probe', {
      workflowId: onAgents,
      taskQueue: `${taskQueue}-agents`,
      args: [{ note: 'agents' }],
    });
    passId = `${HOUSEKEEPING_PASS_WORKFLOW_ID}-${randomUUID()}`;
    await client.workflow.execute('housekeepingPass', { workflowId: passId, taskQueue, args: [] });
    // One still running: a day-long timer, its first task done.
    running = probeWorkflowId(tenantId, randomUUID());
    const handle = await client.workflow.start('probe', {
      workflowId: running,
      taskQueue,
      args: [{ note: 'waiting', sleepMs: 86_400_000 }],
    });
    await eventually(
      async () => ((await handle.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes) ? true : undefined),
      20_000,
      'the timer started',
    );
  } finally {
    await worker.stop();
  }
  // Visibility is eventually consistent: wait until the list shows all five.
  await eventually(
    async () => {
      let n = 0;
      for await (const _ of client.workflow.list({ query: `TaskQueue IN ('${taskQueue}', '${taskQueue}-agents')` }))
        n += 1;
      return n >= 5 ? true : undefined;
    },
    20_000,
    'the workflows listed',
  );
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-replay-'));
  // Today's code, bundled once as `npm run build` does, so the runs below need not each bundle it.
  currentBundle = await bundle(require.resolve('../src/workflows'), 'current-bundle.js');
}, 120_000);

const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} };
async function bundle(workflowsPath: string, name: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quiet });
  const file = path.join(dir, name);
  fs.writeFileSync(file, code);
  return file;
}

afterAll(async () => {
  await client?.workflow
    .getHandle(running)
    .terminate('test over')
    .catch(() => undefined);
  await client?.connection.close();
  await pool?.end();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * `npm run replay -- <args>` with the test stack's config; resolves with exit code and output.
 * Against today's code pre-bundled, unless `args` name a bundle or `fromSource` asks for the
 * command's default (bundling this checkout's source itself).
 */
async function replay(
  args: string[],
  env: Record<string, string> = {},
  fromSource = false,
): Promise<{ code: number | null; output: string }> {
  const against = fromSource || args.includes('--bundle') ? [] : ['--bundle', currentBundle];
  const child = runEntryPoint('src/replay-cli.ts', { TEMPORAL_TASK_QUEUE: taskQueue, ...env }, [...against, ...args]);
  const code = await child.exited;
  return { code, output: child.output() };
}

const okLines = (output: string) => output.split('\n').filter((l) => l.startsWith('OK '));

it('replays every workflow of the task queue against today’s code: OK for each, exit 0', async () => {
  // The default: this checkout's workflow source, bundled by the command itself.
  const { code, output } = await replay([], {}, true);
  expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('5 replayed: 5 OK, 0 failed') });
  expect(output).toContain('against this checkout’s workflow source');
  for (const id of [...completed, running, passId, onAgents])
    expect(output).toMatch(new RegExp(`^OK +\\S+ +${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `, 'm'));
  expect(output).toMatch(/^OK +housekeepingPass /m);
});

it('filters by workflow type, running state, visibility query, time window and count', async () => {
  const byType = await replay(['--type', 'housekeepingPass']);
  expect(okLines(byType.output)).toEqual([expect.stringContaining(passId)]);

  const runningOnly = await replay(['--running']);
  expect(okLines(runningOnly.output)).toEqual([expect.stringContaining(running)]);

  const byQuery = await replay(['--query', `WorkflowId = '${completed[0]}'`]);
  expect(okLines(byQuery.output)).toEqual([expect.stringContaining(completed[0] as string)]);

  const limited = await replay(['--type', 'probe', '--limit', '2']);
  expect(okLines(limited.output)).toHaveLength(2);
  expect(limited.output).toContain('2 replayed: 2 OK, 0 failed');

  const future = await replay(['--since', new Date(Date.now() + 3_600_000).toISOString()]);
  expect(future).toEqual({ code: 0, output: expect.stringContaining('No workflow matched') });
  const lastHour = await replay(['--since', '1h', '--type', 'probe']);
  expect(okLines(lastHour.output)).toHaveLength(4);

  const oneQueue = await replay(['--task-queue', taskQueue, '--type', 'probe']);
  expect(okLines(oneQueue.output)).toHaveLength(3);
  expect(oneQueue.output).not.toContain(onAgents);
});

it('fails, naming the non-determinism, against workflow code that changed without patched()', async () => {
  // The candidate build of a careless change, bundled as `npm run build` bundles the real one.
  const changed = await bundle(require.resolve('./fixtures/changed-workflows'), 'workflow-bundle.js');
  const { code, output } = await replay(['--bundle', changed]);
  expect(code).toBe(1);
  expect(output).toContain('5 replayed: 1 OK, 4 failed');
  expect(output).toMatch(/^OK +housekeepingPass /m);
  const failures = output.split('\n').filter((l) => l.startsWith('FAILED'));
  expect(failures).toHaveLength(4);
  for (const line of failures) expect(line).toMatch(/^FAILED +probe /);
  expect(output).toMatch(/Nondeterminism error/);
});

it('fails when the payloads do not decrypt with the configured keys', async () => {
  const { code, output } = await replay(['--type', 'probe', '--limit', '1'], {
    ENCRYPTION_KEY: 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=',
    ENCRYPTION_KEYS_PREVIOUS: '',
  });
  expect(code).toBe(1);
  expect(output).toMatch(/^FAILED +probe /m);
  expect(output).toMatch(/not configured/);
});

it('asks for no database, sign-in or provider settings, and names bad arguments', async () => {
  const bare = await replay(['--type', 'housekeepingPass'], {
    DATABASE_URL: '',
    JWT_SECRET_KEY: '',
    DEFAULT_TENANT_ID: '',
  });
  expect(bare.code).toBe(0);
  const bad = await replay(['--limit', 'lots']);
  expect(bad).toEqual({ code: 2, output: expect.stringContaining('--limit must be a positive whole number') });
  const noKey = await replay([], { ENCRYPTION_KEY: '' });
  expect(noKey).toEqual({ code: 78, output: expect.stringContaining('ENCRYPTION_KEY') });
});
