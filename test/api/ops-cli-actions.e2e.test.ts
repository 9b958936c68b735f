// What an operator can type into the official `temporal` CLI against a reminder workflow, through
// the API's codec, and what the business then sees through the API: a signal of the wrong shape
// is ignored (it once wedged the workflow for good), the same action as a Workflow Update is
// refused with the reason before it reaches the history, and a paid or void sent from the CLI
// brings the invoice row along, audited as done through Temporal by the CLI's identity.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { eventually } from '../helpers/eventually';
import { startE2E, type E2E } from '../helpers/e2e';

const run = promisify(execFile);

let e2e: E2E;
let owner: SignedInUser;

function temporal(args: string[]) {
  const cli = process.env.TEMPORAL_CLI;
  if (!cli)
    throw new Error(
      'TEMPORAL_CLI is not set: run the tests through npm test (scripts/bootstrap.sh installs the temporal CLI)',
    );
  return run(
    cli,
    [
      ...args,
      '--address',
      e2e.config.temporal.address,
      '--namespace',
      e2e.config.temporal.namespace,
      '--codec-endpoint',
      `${e2e.server.url}/api/temporal/codec`,
      '--codec-auth',
      `Bearer ${owner.accessToken}`,
      '--identity',
      'ops-alice@cli',
    ],
    { timeout: 30_000 },
  );
}

async function newInvoice(): Promise<{ id: string; workflowId: string }> {
  const client = await e2e.call('POST', '/api/clients', {
    token: owner.accessToken,
    json: { name: 'Ops Client', email: `ops-${randomUUID()}@client.example` },
  });
  const invoice = await e2e.call('POST', '/api/invoices', {
    token: owner.accessToken,
    json: {
      clientId: client.body.id,
      amountCents: 4_200,
      currency: 'usd',
      description: 'Cut',
      dueDate: DateTime.utc().plus({ days: 20 }).toISODate(),
      channels: ['email'],
    },
  });
  expect(invoice.status).toBe(201);
  // The workflow has made its payment link: it is past its first activity and waiting.
  await eventually(
    async () =>
      (await e2e.call('GET', `/api/invoices/${invoice.body.id}`, { token: owner.accessToken })).body.paymentUrl
        ? true
        : undefined,
    30_000,
  );
  return invoice.body;
}

const invoiceOf = async (id: string) =>
  (await e2e.call('GET', `/api/invoices/${id}`, { token: owner.accessToken })).body;

beforeAll(async () => {
  e2e = await startE2E();
  owner = await registerTenant(e2e.server, { businessName: 'Ops Salon' });
});
afterAll(() => e2e?.close());

it('a reschedule signal of the wrong shape is ignored: the workflow answers, and a cancel still ends it', async () => {
  const invoice = await newInvoice();
  await temporal([
    'workflow',
    'signal',
    '--workflow-id',
    invoice.workflowId,
    '--name',
    'reschedule',
    '--input',
    '{"dueDate":"2026-12-28"}',
  ]);
  // The status query answers (a wedged workflow's did not), the plan is untouched.
  const { stdout } = await temporal([
    'workflow',
    'query',
    '--workflow-id',
    invoice.workflowId,
    '--type',
    'status',
    '--output',
    'json',
  ]);
  expect(
    (JSON.parse(stdout) as { queryResult: [{ state: string; nextReminderAt: string | null }] }).queryResult[0],
  ).toMatchObject({ state: 'scheduled', nextReminderAt: expect.any(String) });
  expect((await invoiceOf(invoice.id)).reminders).toMatchObject({ state: 'scheduled' });
  const cancelled = await e2e.call('POST', `/api/workflows/${encodeURIComponent(invoice.workflowId)}/cancel`, {
    token: owner.accessToken,
    json: { reason: 'test' },
  });
  expect(cancelled.status).toBe(202);
  await eventually(
    async () =>
      (
        await temporal(['workflow', 'describe', '--workflow-id', invoice.workflowId, '--output', 'json'])
      ).stdout.includes('CANCELED')
        ? true
        : undefined,
    30_000,
  );
});

it('the same reschedule as an Update is refused with the reason, and leaves no trace in the history', async () => {
  const invoice = await newInvoice();
  const refused = await temporal([
    'workflow',
    'update',
    'execute',
    '--workflow-id',
    invoice.workflowId,
    '--name',
    'reschedule',
    '--input',
    '{"dueDate":"2026-12-28"}',
  ]).catch((err: { stderr?: string; stdout?: string }) => err);
  expect(`${(refused as { stderr?: string }).stderr ?? ''}${(refused as { stdout?: string }).stdout ?? ''}`).toMatch(
    /reschedule takes/,
  );
  const history = (await temporal(['workflow', 'show', '--workflow-id', invoice.workflowId, '--output', 'json']))
    .stdout;
  expect(history).not.toMatch(/Update(Accepted|Completed)|WorkflowTaskFailed/i);
  // pause as an Update answers the new status.
  const paused = await temporal([
    'workflow',
    'update',
    'execute',
    '--workflow-id',
    invoice.workflowId,
    '--name',
    'pause',
    '--output',
    'json',
  ]);
  expect(paused.stdout).toMatch(/"state":\s*"paused"/);
  expect((await invoiceOf(invoice.id)).reminders).toMatchObject({ state: 'paused' });
});

it('paid from the CLI marks the invoice paid, audited as done through Temporal by the CLI', async () => {
  const invoice = await newInvoice();
  await temporal([
    'workflow',
    'signal',
    '--workflow-id',
    invoice.workflowId,
    '--name',
    'paid',
    '--input',
    '{"method":"cash"}',
  ]);
  const paid = await eventually(
    async () => ((b) => (b.status === 'paid' ? b : undefined))(await invoiceOf(invoice.id)),
    30_000,
  );
  expect(paid).toMatchObject({ status: 'paid', paidMethod: 'cash', paidAt: expect.any(String) });
  const audit = await e2e.call('GET', `/api/audit?target=invoice:${invoice.id}&action=invoice.marked_paid`, {
    token: owner.accessToken,
  });
  expect(audit.body.items).toEqual([
    expect.objectContaining({
      actorId: null,
      detail: expect.objectContaining({ via: 'temporal', identity: 'ops-alice@cli', method: 'cash' }),
    }),
  ]);
});

it('void from the CLI voids the invoice; a paid through the API is not recorded twice', async () => {
  const voided = await newInvoice();
  await temporal(['workflow', 'signal', '--workflow-id', voided.workflowId, '--name', 'void']);
  await eventually(async () => ((await invoiceOf(voided.id)).status === 'void' ? true : undefined), 30_000);
  expect(
    (
      await e2e.call('GET', `/api/audit?target=invoice:${voided.id}&action=invoice.voided`, {
        token: owner.accessToken,
      })
    ).body.items,
  ).toHaveLength(1);

  const byApi = await newInvoice();
  expect(
    (
      await e2e.call('POST', `/api/invoices/${byApi.id}/mark-paid`, {
        token: owner.accessToken,
        json: { method: 'bank' },
      })
    ).status,
  ).toBe(200);
  await eventually(
    async () =>
      (await temporal(['workflow', 'describe', '--workflow-id', byApi.workflowId, '--output', 'json'])).stdout.includes(
        'COMPLETED',
      )
        ? true
        : undefined,
    30_000,
  );
  const entries = (
    await e2e.call('GET', `/api/audit?target=invoice:${byApi.id}&action=invoice.marked_paid`, {
      token: owner.accessToken,
    })
  ).body.items;
  expect(entries).toHaveLength(1);
  expect(entries[0].detail.via).toBeUndefined();
});

it('reminders cancelled from the CLI restart through the API (audited), and the API drives the new run', async () => {
  const invoice = await newInvoice();
  expect(
    (await e2e.call('POST', `/api/invoices/${invoice.id}/reminders/restart`, { token: owner.accessToken })).status,
  ).toBe(409);
  await temporal(['workflow', 'cancel', '--workflow-id', invoice.workflowId]);
  await eventually(
    async () =>
      (
        await temporal(['workflow', 'describe', '--workflow-id', invoice.workflowId, '--output', 'json'])
      ).stdout.includes('CANCELED')
        ? true
        : undefined,
    30_000,
  );
  // Before: resume and reschedule could only say "already finished"; the invoice stayed open with no reminders.
  expect(
    (await e2e.call('POST', `/api/invoices/${invoice.id}/reminders/resume`, { token: owner.accessToken })).status,
  ).toBe(409);

  const restarted = await e2e.call('POST', `/api/invoices/${invoice.id}/reminders/restart`, {
    token: owner.accessToken,
  });
  expect(restarted.status).toBe(200);
  expect(restarted.body).toMatchObject({
    status: 'open',
    reminders: { state: expect.stringMatching(/scheduled|paused/) },
  });
  const { stdout } = await temporal(['workflow', 'describe', '--workflow-id', invoice.workflowId, '--output', 'json']);
  expect(stdout).toContain('RUNNING');
  const audit = await e2e.call('GET', `/api/audit?target=invoice:${invoice.id}&action=invoice.reminders_restarted`, {
    token: owner.accessToken,
  });
  expect(audit.body.items).toHaveLength(1);
  // The new run is the one the API now talks to: pause it.
  expect(
    (await e2e.call('POST', `/api/invoices/${invoice.id}/reminders/pause`, { token: owner.accessToken })).status,
  ).toBe(200);
});
