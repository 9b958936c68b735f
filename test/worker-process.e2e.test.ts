// The worker process (src/worker.ts): it serves the Temporal SDK's Prometheus metrics when
// WORKER_METRICS_BIND_ADDRESS is set (ops scrape task latencies and failures from there), and it
// makes sure the platform's housekeeping Schedule exists; the guardian's count of stuck workflows
// is among those metrics.
import { randomUUID } from 'node:crypto';
import { TenantIdKey } from '../src/domain/search-attributes';
import { STUCK_WORKFLOW_TASK_ATTEMPTS } from '../src/domain/stuck-workflows';
import { HOUSEKEEPING_SCHEDULE_ID, OVERDUE_DIGEST_SCHEDULE_ID } from '../src/domain/workflow-ids';
import { registerTenant } from './helpers/auth';
import { startE2E, startWorkerProcess, type E2E } from './helpers/e2e';
import { freePort } from './helpers/process';
import { eventually } from './helpers/sandbox';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
  await e2e.stopWorker(); // the process below is the only worker on this task queue
});

afterAll(() => e2e?.close());

it('serves Prometheus metrics that count the workflows it completed, and makes sure of the housekeeping and overdue digest Schedules', async () => {
  const port = await freePort();
  const worker = startWorkerProcess(e2e, { WORKER_METRICS_BIND_ADDRESS: `127.0.0.1:${port}` });
  try {
    await e2e.temporal.workflow.execute('probe', {
      workflowId: `metrics-probe-${port}`,
      taskQueue: e2e.config.temporal.taskQueue,
      args: [{ note: 'metrics' }],
    });
    const text = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => null);
      const body = res?.ok ? await res.text() : '';
      return /^temporal_workflow_completed_total\{.*task_queue="[^"]+".*\} [1-9]/m.test(body) ? body : undefined;
    }, 20_000);
    expect(text).toMatch(/^temporal_activity_execution_latency/m);
    // The housekeeping Schedule, made sure of at boot (the dev server is shared by the test
    // files: any worker process may have created it; test/workflow-starters/housekeeping-schedule
    // checks it in a namespace of its own).
    await eventually(
      () => (worker.output().includes('housekeeping schedule checked') ? true : undefined),
      20_000,
      'the housekeeping schedule checked',
    );
    const housekeeping = await e2e.temporal.schedule.getHandle(HOUSEKEEPING_SCHEDULE_ID).describe();
    expect(housekeeping.action).toMatchObject({ type: 'startWorkflow', workflowType: 'housekeepingPass' });
    // And the overdue digest's (test/workflow-starters/overdue-digest-schedule checks it in a namespace of its own).
    await eventually(
      () => (worker.output().includes('overdue digest schedule checked') ? true : undefined),
      20_000,
      'the overdue digest schedule checked',
    );
    const digest = await e2e.temporal.schedule.getHandle(OVERDUE_DIGEST_SCHEDULE_ID).describe();
    expect(digest.action).toMatchObject({ type: 'startWorkflow', workflowType: 'overdueDigestPass' });
  } catch (err) {
    throw new Error(`${(err as Error).message}\nworker output:\n${worker.output().slice(-2000)}`, { cause: err });
  } finally {
    await worker.kill();
  }
});

it('counts the stuck workflows a guardian pass finds in its metrics', async () => {
  const port = await freePort();
  const worker = startWorkerProcess(e2e, { WORKER_METRICS_BIND_ADDRESS: `127.0.0.1:${port}` });
  try {
    const owner = await registerTenant(e2e.server, { businessName: 'Metrics Salon' });
    const wedged = await e2e.temporal.workflow.start('paymentReminder', {
      workflowId: `invoice:${owner.tenantId}:${randomUUID()}`,
      taskQueue: e2e.config.temporal.taskQueue,
      args: [
        {
          tenantId: owner.tenantId,
          invoiceId: randomUUID(),
          clientId: randomUUID(),
          channels: ['email'],
          plan: 'not a plan',
          emailRetry: e2e.config.emailRetry,
        },
      ],
      typedSearchAttributes: [{ key: TenantIdKey, value: owner.tenantId }],
    });
    await eventually(
      async () =>
        ((await wedged.describe()).raw.pendingWorkflowTask?.attempt ?? 0) >= STUCK_WORKFLOW_TASK_ATTEMPTS
          ? true
          : undefined,
      60_000,
    );
    expect((await e2e.call('POST', '/api/guardian/run-now', { token: owner.accessToken })).status).toBe(202);
    const text = await eventually(async () => {
      const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return /^frontdesk_guardian_stuck_workflows_total\{[^}]*kind="workflow_task"[^}]*\} [1-9]/m.test(body)
        ? body
        : undefined;
    }, 60_000);
    expect(text).toBeDefined();
    await wedged.terminate('test over');
  } catch (err) {
    throw new Error(`${(err as Error).message}\nworker output:\n${worker.output().slice(-2000)}`, { cause: err });
  } finally {
    await worker.kill();
  }
}, 150_000);
