// The worker process (src/worker.ts): it serves the Temporal SDK's Prometheus metrics when
// WORKER_METRICS_BIND_ADDRESS is set (ops scrape task latencies and failures from there), and it
// makes sure the platform's housekeeping workflow runs.
import { startE2E, startWorkerProcess, type E2E } from './helpers/e2e';
import { freePort } from './helpers/process';
import { eventually } from './helpers/sandbox';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
  await e2e.stopWorker(); // the process below is the only worker on this task queue
});

afterAll(() => e2e?.close());

it('serves Prometheus metrics that count the workflows it completed, and keeps housekeeping running', async () => {
  const port = await freePort();
  const worker = startWorkerProcess(e2e, { WORKER_METRICS_BIND_ADDRESS: `127.0.0.1:${port}` });
  try {
    await e2e.temporal.workflow.execute('probe', { workflowId: `metrics-probe-${port}`, taskQueue: e2e.config.temporal.taskQueue, args: [{ note: 'metrics' }] });
    const text = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => null);
      const body = res?.ok ? await res.text() : '';
      return /^temporal_workflow_completed_total\{.*task_queue="[^"]+".*\} [1-9]/m.test(body) ? body : undefined;
    }, 20_000);
    expect(text).toMatch(/^temporal_activity_execution_latency/m);
    // Started at boot when none ran (the dev server is shared by the test files: any worker
    // process may have been first, and a second one keeps it).
    const housekeeping = await eventually(async () => {
      const d = await e2e.temporal.workflow.getHandle('housekeeping').describe().catch(() => null);
      return d?.status.name === 'RUNNING' ? d : undefined;
    }, 20_000);
    expect(housekeeping.type).toBe('housekeeping');
  } catch (err) {
    throw new Error(`${(err as Error).message}\nworker output:\n${worker.output().slice(-2000)}`, { cause: err });
  } finally {
    await worker.kill();
  }
});
