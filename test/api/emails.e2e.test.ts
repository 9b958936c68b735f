// Email delivery end to end: HTTP in, the real worker and Temporal server, Gmail's API as the
// sandbox speaks it (through googleapis), faults injected at the sandbox.
import { findMailbox } from '../../src/db/google-accounts';
import { withTenant } from '../../src/db/tenant-transaction';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, startWorkerProcess, type E2E } from '../helpers/e2e';
import { eventually } from '../helpers/sandbox';

let e2e: E2E;
let owner: SignedInUser;

beforeAll(async () => {
  // Short backoff so a few retries fit in a test; the 24 h budget is covered on the time-skipping server.
  e2e = await startE2E({ EMAIL_RETRY_INITIAL_SECONDS: '1', EMAIL_RETRY_MAX_INTERVAL_SECONDS: '10' });
  owner = await registerTenant(e2e.server, { businessName: 'Mail Test Salon' });
});

afterAll(() => e2e?.close());

beforeEach(async () => {
  await e2e.sandbox.control('DELETE', '/_sandbox/sent');
});

async function sendEmail(subject: string, extra: Record<string, unknown> = {}) {
  const res = await e2e.call('POST', '/api/emails', {
    token: owner.accessToken,
    json: { to: 'client@example.com', subject, text: `Body of ${subject}`, ...extra },
  });
  expect(res.status).toBe(202);
  expect(res.body).toEqual({
    id: expect.any(String),
    status: 'queued',
    workflowId: `email:${owner.tenantId}:${res.body.id}`,
  });
  return res.body.id as string;
}

async function settled(id: string, timeoutMs = 30_000) {
  return eventually(async () => {
    const res = await e2e.call('GET', `/api/emails/${id}`, { token: owner.accessToken });
    return ['sent', 'failed', 'cancelled'].includes(res.body.status) ? res.body : undefined;
  }, timeoutMs);
}

const sendRequests = async () =>
  (await e2e.sandbox.requests('gmail')).filter((r) => r.method === 'POST' && r.path.endsWith('/messages/send'));

it('sends through Gmail with a Message-ID derived from the email id, and shows it sent', async () => {
  const id = await sendEmail('Hello from the salon');
  const email = await settled(id);
  expect(email).toMatchObject({
    status: 'sent',
    attempts: 1,
    lastError: null,
    gmailMessageId: expect.any(String),
    sentAt: expect.any(String),
  });
  const sent = await e2e.sandbox.sent('gmail');
  expect(sent).toEqual([
    expect.objectContaining({
      to: 'client@example.com',
      from: owner.email,
      subject: 'Hello from the salon',
      messageId: `<${id}@frontdesk.mail>`,
    }),
  ]);
  // The workflow is visible to ops by its id, tenant and email search attributes.
  const handle = e2e.temporal.workflow.getHandle(`email:${owner.tenantId}:${id}`);
  expect(await handle.result()).toMatchObject({ status: 'sent' });
  const description = await handle.describe();
  expect(description.status.name).toBe('COMPLETED');
  expect(description.searchAttributes).toMatchObject({ TenantId: [owner.tenantId], EmailId: [id] });
});

it('retries two 503s with growing backoff and sends once, on the third attempt', async () => {
  await settled(await sendEmail('warm-up')); // nothing else in flight to take the faults
  await e2e.sandbox.fault({ provider: 'gmail', status: 503, count: 2 });
  const id = await sendEmail('Survives two outages');
  const email = await settled(id);
  expect(email).toMatchObject({ status: 'sent', attempts: 3 });
  expect((await e2e.sandbox.sent('gmail')).filter((m) => m.subject === 'Survives two outages')).toHaveLength(1);

  const calls = (await e2e.sandbox.requests('gmail')).slice(-4); // send(503), search(503), search, send
  expect(calls.map((c) => [c.fault, c.status])).toEqual([
    [true, 503],
    [true, 503],
    [false, 200],
    [false, 200],
  ]);
  const gap = (a: number, b: number) => Date.parse(calls[b]!.at) - Date.parse(calls[a]!.at);
  expect(gap(0, 1)).toBeGreaterThanOrEqual(1_000 - 50); // 1 s backoff after the first failure
  expect(gap(1, 2)).toBeGreaterThanOrEqual(2_000 - 50); // then 2 s
});

it('waits at least the Retry-After of a 429 before the next try', async () => {
  await e2e.sandbox.fault({ provider: 'gmail', status: 429, count: 1, headers: { 'retry-after': '4' } });
  const id = await sendEmail('Rate limited');
  expect(await settled(id)).toMatchObject({ status: 'sent', attempts: 2 });
  const calls = (await e2e.sandbox.requests('gmail')).slice(-3); // send(429), search, send
  expect(calls[0]).toMatchObject({ fault: true, status: 429 });
  expect(Date.parse(calls[1]!.at) - Date.parse(calls[0]!.at)).toBeGreaterThanOrEqual(4_000 - 50);
});

it('fails an invalid recipient after exactly one attempt', async () => {
  const before = (await sendRequests()).length;
  await e2e.sandbox.fault({
    provider: 'gmail',
    status: 400,
    count: 1,
    body: {
      error: {
        code: 400,
        message: 'Invalid To header',
        errors: [{ message: 'Invalid To header', domain: 'global', reason: 'invalidArgument' }],
        status: 'INVALID_ARGUMENT',
      },
    },
  });
  const id = await sendEmail('Nobody home');
  const email = await settled(id);
  expect(email).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/Invalid To header/) });
  expect((await sendRequests()).length - before).toBe(1);
  expect(await e2e.sandbox.sent('gmail')).toEqual([]);
});

it('fails at once on invalid_grant and marks the Gmail connection for re-authorisation', async () => {
  const other = await registerTenant(e2e.server, { businessName: 'Revoked Studio' });
  const first = await e2e.call('POST', '/api/emails', {
    token: other.accessToken,
    json: { to: 'a@example.com', subject: 'connects the mailbox', text: 'x' },
  });
  await eventually(
    async () =>
      (await e2e.call('GET', `/api/emails/${first.body.id}`, { token: other.accessToken })).body.status === 'sent'
        ? true
        : undefined,
    30_000,
  );

  await e2e.sandbox.fault({
    provider: 'google-oauth',
    status: 400,
    count: 1,
    body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
  });
  const res = await e2e.call('POST', '/api/emails', {
    token: other.accessToken,
    json: { to: 'a@example.com', subject: 'after revocation', text: 'x' },
  });
  const failed = await eventually(async () => {
    const r = await e2e.call('GET', `/api/emails/${res.body.id}`, { token: other.accessToken });
    return r.body.status === 'failed' ? r.body : undefined;
  }, 30_000);
  expect(failed).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/reauth_required/) });
  const account = await withTenant(e2e.pool, other.tenantId, (db) => findMailbox(db, other.tenantId));
  expect(account?.status).toBe('reauth_required');
});

it('restarts only the failed emails in a bulk retry', async () => {
  const sentId = await sendEmail('Already fine');
  await settled(sentId);
  await e2e.sandbox.fault({ provider: 'gmail', status: 400, count: 2 });
  const failedA = await sendEmail('Bounce A');
  expect((await settled(failedA)).status).toBe('failed');
  const failedB = await sendEmail('Bounce B');
  expect((await settled(failedB)).status).toBe('failed');
  await e2e.sandbox.control('DELETE', '/_sandbox/sent');

  const retried = await e2e.call('POST', '/api/emails/retry-failed', { token: owner.accessToken });
  expect(retried.status).toBe(200);
  expect(retried.body.restarted).toBeGreaterThanOrEqual(2);
  expect((await settled(failedA)).status).toBe('sent');
  expect((await settled(failedB)).status).toBe('sent');
  const subjects = (await e2e.sandbox.sent('gmail')).map((m) => m.subject);
  expect(subjects).toEqual(expect.arrayContaining(['Bounce A', 'Bounce B']));
  expect(subjects).not.toContain('Already fine');

  const list = await e2e.call('GET', '/api/emails?status=failed', { token: owner.accessToken });
  expect(list.body.items.map((e: { id: string }) => e.id)).not.toEqual(expect.arrayContaining([failedA]));
});

it('threads a reply: same Gmail thread, In-Reply-To and References of the original, subject kept', async () => {
  const original = await settled(await sendEmail('Booking for Friday'));
  const replyId = await sendEmail('Re: Booking for Friday', {
    threadId: original.gmailThreadId,
    inReplyTo: original.messageId,
  });
  expect((await settled(replyId)).status).toBe('sent');
  const reply = (await e2e.sandbox.sent('gmail')).find((m) => m.subject === 'Re: Booking for Friday');
  expect(reply).toMatchObject({ threadId: original.gmailThreadId, inReplyTo: original.messageId });
  expect(String(reply.references)).toContain(original.messageId);
});

it('sends a test email to the caller through the same workflow', async () => {
  const res = await e2e.call('GET', '/api/email/test', { token: owner.accessToken });
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ emailId: expect.any(String), workflowId: `email:${owner.tenantId}:${res.body.emailId}` });
  expect((await settled(res.body.emailId)).status).toBe('sent');
  expect((await e2e.sandbox.sent('gmail')).find((m) => m.subject === 'Frontdesk test email')).toMatchObject({
    to: owner.email,
  });
});

it('answers 422 naming each bad field', async () => {
  const res = await e2e.call('POST', '/api/emails', {
    token: owner.accessToken,
    json: { to: 'not-an-address', subject: '', inReplyTo: 'nope' },
  });
  expect(res.status).toBe(422);
  expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['inReplyTo', 'subject', 'text', 'to']);
});

it('sends exactly one message when the worker is killed mid-send and restarted', async () => {
  await e2e.stopWorker();
  const worker = startWorkerProcess(e2e);
  await eventually(() => (worker.output().includes('worker started') ? true : undefined), 60_000);

  // Gmail takes the message, then the answer never comes: the worker dies waiting for it.
  await e2e.sandbox.fault({ provider: 'gmail', status: 0, delayMs: 120_000, after: true, count: 1 });
  const id = await sendEmail('Sent while the worker died');
  await eventually(
    async () =>
      (await e2e.sandbox.sent('gmail')).some((m) => m.subject === 'Sent while the worker died') ? true : undefined,
    30_000,
  );
  await worker.kill();

  await e2e.startWorker();
  const email = await settled(id, 150_000);
  expect(email).toMatchObject({ status: 'sent', attempts: 2 });
  expect((await e2e.sandbox.sent('gmail')).filter((m) => m.subject === 'Sent while the worker died')).toHaveLength(1);
}, 240_000);
