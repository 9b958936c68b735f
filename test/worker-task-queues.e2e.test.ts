// The task queues per kind of work (src/temporal/task-queues.ts), served by src/worker.ts processes
// that each poll only some of them (WORKER_TASK_QUEUES): with only a reminders worker up, an
// invoice's reminder is prepared and its email handed to the delivery queue, where it waits; it
// reaches the client once a delivery worker starts, and the reminders worker sees it sent.
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { registerTenant, type SignedInUser } from './helpers/auth';
import { startE2E, startWorkerProcess, type E2E } from './helpers/e2e';
import { runEntryPoint } from './helpers/process';
import { eventually } from './helpers/sandbox';

let e2e: E2E;
let owner: SignedInUser;
const workers: { kill: () => Promise<void>; output: () => string }[] = [];

/** A zone where 09:00 today has passed and today is not over: a due-today reminder goes at once. */
function zoneAfterNineToday(): { zone: string; today: string } {
  for (const zone of [
    'Pacific/Kiritimati',
    'Asia/Tokyo',
    'Asia/Kolkata',
    'Europe/London',
    'America/New_York',
    'Pacific/Honolulu',
    'Pacific/Pago_Pago',
  ]) {
    const now = DateTime.now().setZone(zone);
    if (now.hour >= 10 && now.hour <= 22) return { zone, today: now.toISODate() as string };
  }
  throw new Error('no zone found');
}

beforeAll(async () => {
  e2e = await startE2E();
  await e2e.stopWorker(); // only the processes below serve this stack's queues
  owner = await registerTenant(e2e.server, { businessName: 'Split Queue Studio' });
});

afterAll(async () => {
  for (const w of workers) await w.kill();
  await e2e?.close();
});

it('a reminder run by a reminders-only worker is delivered only once a delivery worker polls the delivery queue', async () => {
  const base = e2e.config.temporal.taskQueue;
  const reminders = startWorkerProcess(e2e, { WORKER_TASK_QUEUES: 'reminders' });
  workers.push(reminders);
  try {
    const { zone, today } = zoneAfterNineToday();
    const clientEmail = `ines-${randomUUID()}@client.example`;
    const client = await e2e.call('POST', '/api/clients', {
      token: owner.accessToken,
      json: { name: 'Ines Client', email: clientEmail, timezone: zone },
    });
    expect(client.status).toBe(201);
    const invoice = await e2e.call('POST', '/api/invoices', {
      token: owner.accessToken,
      json: {
        clientId: client.body.id,
        amountCents: 12_000,
        currency: 'usd',
        description: 'Studio hire',
        dueDate: today,
        scheduleDays: [0],
      },
    });
    expect(invoice.status).toBe(201);

    // The reminders worker ran the invoice's workflow up to its email, started on the delivery queue.
    const parent = await e2e.temporal.workflow.getHandle(invoice.body.workflowId).describe();
    expect(parent.taskQueue).toBe(base);
    const email = await eventually(
      async () => {
        for await (const w of e2e.temporal.workflow.list({
          query: `WorkflowType = 'emailDelivery' AND InvoiceId = '${invoice.body.id}'`,
        }))
          return w;
        return undefined;
      },
      90_000,
      'the reminder email workflow started',
    );
    expect(email).toMatchObject({ taskQueue: `${base}-delivery`, status: { name: 'RUNNING' } });
    // Nobody polls the delivery queue yet: the email waits there, unsent.
    expect((await e2e.sandbox.sent('gmail')).filter((m) => m.to === clientEmail)).toEqual([]);
    const status = await e2e.call('GET', '/api/system/status', { token: owner.accessToken });
    expect(status.body.temporal.taskQueues.map((q: { kind: string; name: string }) => [q.kind, q.name])).toEqual([
      ['reminders', base],
      ['delivery', `${base}-delivery`],
      ['agents', `${base}-agents`],
    ]);

    const delivery = startWorkerProcess(e2e, { WORKER_TASK_QUEUES: 'delivery' });
    workers.push(delivery);
    const sent = await eventually(
      async () => (await e2e.sandbox.sent('gmail')).find((m) => m.to === clientEmail),
      90_000,
      'the reminder in the sandbox',
    );
    expect(sent.subject).toBe('Reminder: $120.00 to Split Queue Studio due today');
    // The reminders worker hears back from its child: the invoice shows the reminder sent, once.
    const detail = await eventually(
      async () => {
        const d = (await e2e.call('GET', `/api/invoices/${invoice.body.id}`, { token: owner.accessToken })).body;
        return d.reminders?.sent?.some((r: { status: string }) => r.status === 'sent') ? d : undefined;
      },
      60_000,
      'the reminder recorded as sent',
    );
    expect(detail.reminders.sent).toEqual([expect.objectContaining({ step: 0, channel: 'email', status: 'sent' })]);
    expect((await e2e.sandbox.sent('gmail')).filter((m) => m.to === clientEmail)).toHaveLength(1);
    expect(reminders.output()).not.toMatch(/worker failed/);
  } catch (err) {
    throw new Error(
      `${(err as Error).message}\nworker output:\n${workers.map((w) => w.output().slice(-1500)).join('\n---\n')}`,
      { cause: err },
    );
  }
}, 240_000);

it('one process polls all three queues by default, and a SIGTERM stops every one of its Workers and exits 0', async () => {
  const base = `all-queues-${randomUUID()}`;
  const worker = runEntryPoint('src/worker.ts', {
    SANDBOX: '1',
    SANDBOX_URL: e2e.config.sandbox.url,
    TEMPORAL_TASK_QUEUE: base,
  });
  workers.push({
    kill: async () => void (worker.child.exitCode === null && worker.child.kill('SIGKILL')),
    output: worker.output,
  });
  await worker.waitForOutput(/"msg":"worker started"/, 120_000);
  const started = JSON.parse(
    worker
      .output()
      .split('\n')
      .find((l) => l.includes('"msg":"worker started"')) as string,
  );
  expect(started.taskQueues).toEqual({ reminders: base, delivery: `${base}-delivery`, agents: `${base}-agents` });
  // Each Worker reports RUNNING once it polls.
  const runningLines = () =>
    worker
      .output()
      .split('\n')
      .filter((l) => l.includes('"msg":"Worker state changed"') && l.includes('"state":"RUNNING"'));
  await eventually(async () => (runningLines().length === 3 ? true : undefined), 60_000, 'three Workers running');
  worker.child.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
  const states = worker
    .output()
    .split('\n')
    .filter((l) => l.includes('"msg":"Worker state changed"') && l.includes('"state":"STOPPED"'))
    .map((l) => JSON.parse(l).taskQueue as string)
    .sort();
  expect(states).toEqual([base, `${base}-agents`, `${base}-delivery`]);
  expect(worker.output()).toContain('"msg":"worker stopped"');
}, 180_000);
