// The official `temporal` CLI reading and signalling a business's workflows through the API's
// remote codec, as an operator would: --codec-endpoint and --codec-auth on query, signal (with
// and without input), describe, show and result. Commands without payloads make the CLI post
// `{}` to the codec, which must answer an empty list rather than a 422.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { eventually } from '../helpers/sandbox';
import { startE2E, type E2E } from '../helpers/e2e';

const run = promisify(execFile);

let e2e: E2E;
let owner: SignedInUser;
let invoiceWorkflowId: string;

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
    ],
    { timeout: 30_000 },
  );
}

beforeAll(async () => {
  e2e = await startE2E();
  owner = await registerTenant(e2e.server, { businessName: 'CLI Salon' });
  const client = await e2e.call('POST', '/api/clients', {
    token: owner.accessToken,
    json: { name: 'Cli Client', email: `cli-${randomUUID()}@client.example` },
  });
  const invoice = await e2e.call('POST', '/api/invoices', {
    token: owner.accessToken,
    json: {
      clientId: client.body.id,
      amountCents: 3_000,
      currency: 'usd',
      description: 'Blow-dry',
      dueDate: DateTime.utc().plus({ days: 20 }).toISODate(),
      channels: ['email'],
    },
  });
  expect(invoice.status).toBe(201);
  invoiceWorkflowId = invoice.body.workflowId;
});
afterAll(() => e2e?.close());

it('the codec answers the empty forms the CLI sends with an empty list', async () => {
  for (const json of [{}, { payloads: [] }]) {
    for (const path of ['decode', 'encode']) {
      const res = await e2e.call('POST', `/api/temporal/codec/${path}`, { token: owner.accessToken, json });
      expect({ path, json, status: res.status, body: res.body }).toEqual({
        path,
        json,
        status: 200,
        body: { payloads: [] },
      });
    }
  }
});

it('queries a reminder’s status in clear', async () => {
  const status = await eventually(async () => {
    const { stdout } = await temporal([
      'workflow',
      'query',
      '--workflow-id',
      invoiceWorkflowId,
      '--type',
      'status',
      '--output',
      'json',
    ]);
    const parsed = JSON.parse(stdout) as { queryResult: [{ state: string; paymentUrl: string | null }] };
    return parsed.queryResult[0].paymentUrl ? parsed.queryResult[0] : undefined;
  });
  expect(status).toMatchObject({ state: 'scheduled', paymentUrl: expect.stringContaining('checkout') });
});

it('signals pause with no input, and resume, and the status follows', async () => {
  await temporal(['workflow', 'signal', '--workflow-id', invoiceWorkflowId, '--name', 'pause']);
  const paused = await eventually(async () => {
    const { stdout } = await temporal([
      'workflow',
      'query',
      '--workflow-id',
      invoiceWorkflowId,
      '--type',
      'status',
      '--output',
      'json',
    ]);
    const state = (JSON.parse(stdout) as { queryResult: [{ state: string }] }).queryResult[0].state;
    return state === 'paused' ? state : undefined;
  });
  expect(paused).toBe('paused');
  await temporal(['workflow', 'signal', '--workflow-id', invoiceWorkflowId, '--name', 'resume', '--input', 'null']);
  const resumed = await eventually(async () => {
    const { stdout } = await temporal([
      'workflow',
      'query',
      '--workflow-id',
      invoiceWorkflowId,
      '--type',
      'status',
      '--output',
      'json',
    ]);
    const state = (JSON.parse(stdout) as { queryResult: [{ state: string }] }).queryResult[0].state;
    return state === 'scheduled' ? state : undefined;
  });
  expect(resumed).toBe('scheduled');
});

it('describes and shows the history with inputs decoded', async () => {
  const described = await temporal(['workflow', 'describe', '--workflow-id', invoiceWorkflowId]);
  expect(described.stdout).toContain('paymentReminder');
  const { stdout } = await temporal(['workflow', 'show', '--workflow-id', invoiceWorkflowId, '--output', 'json']);
  const history = JSON.parse(stdout) as {
    events: {
      workflowExecutionStartedEventAttributes?: {
        input?: { payloads?: { metadata: { encoding: string }; data: string }[] };
      };
    }[];
  };
  const input = history.events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  // Decoded, the start input is plain JSON (not the codec's binary/encrypted), naming its invoice.
  expect(Buffer.from(input?.metadata.encoding ?? '', 'base64').toString()).toBe('json/plain');
  expect(JSON.parse(Buffer.from(input?.data ?? '', 'base64').toString())).toMatchObject({
    invoiceId: invoiceWorkflowId.split(':')[2],
  });
});

it('prints the result of a finished workflow in clear', async () => {
  const sent = await e2e.call('POST', '/api/emails', {
    token: owner.accessToken,
    json: { to: 'ada@example.com', subject: 'Hello', text: 'Hi' },
  });
  expect(sent.status).toBe(202);
  await e2e.temporal.workflow.getHandle(sent.body.workflowId).result();
  const { stdout } = await temporal(['workflow', 'result', '--workflow-id', sent.body.workflowId, '--output', 'json']);
  expect(JSON.parse(stdout)).toMatchObject({ status: 'COMPLETED', result: { emailId: sent.body.id, status: 'sent' } });
});
