// The guardian end to end: HTTP in, the real worker and Temporal server, mail dropped into the
// sandbox mailbox and pushed to the API, Claude's classification, Gmail and Twilio as the sandbox
// speaks them. Scheduled passes are hours apart here: every pass is asked for with run-now.
import { randomUUID } from 'node:crypto';
import { insertClient } from '../../src/db/clients';
import { insertInvoice } from '../../src/db/invoices';
import { withTenant } from '../../src/db/tenant-transaction';
import { TenantIdKey } from '../../src/domain/search-attributes';
import { STUCK_WORKFLOW_TASK_ATTEMPTS } from '../../src/domain/stuck-workflows';
import { registerTenant, createUser, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import { allThreads, connectGmail, dropMail, type ConnectedMailbox } from '../helpers/mailbox';
import { eventually } from '../helpers/sandbox';

let e2e: E2E;
let owner: SignedInUser;
let staff: SignedInUser;
let mailbox: ConnectedMailbox;
const ALERT_PHONE = '+14155552671';

beforeAll(async () => {
  e2e = await startE2E({ GUARDIAN_INTERVAL_MINUTES: '600', GMAIL_SYNC_FALLBACK_SECONDS: '3600' });
  owner = await registerTenant(e2e.server, { businessName: 'Guarded Salon' });
  staff = await createUser(e2e.server, owner, 'staff');
  mailbox = await connectGmail(e2e.call, owner);
  // The reply agent would also ask Claude about each mail stored here, and could take the faults
  // these tests inject for the guardian's screening: switched off, only the guardian asks.
  const agentOff = await e2e.call('PUT', '/api/agents/settings', {
    token: owner.accessToken,
    json: { enabled: false, autoSend: 'off', draftTtlHours: 48, businessProfile: {} },
  });
  expect(agentOff.status).toBe(200);
}, 60_000);

afterAll(() => e2e?.close());

const guardian = async (user: SignedInUser = owner) => {
  const res = await e2e.call('GET', '/api/guardian', { token: user.accessToken });
  expect(res.status).toBe(200);
  return res.body;
};

/** Asks for a pass and waits for its report. */
async function runPass(): Promise<any> {
  const before = (await guardian()).lastReport?.pass ?? 0;
  const res = await e2e.call('POST', '/api/guardian/run-now', { token: owner.accessToken });
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ workflowId: `guardian:${owner.tenantId}`, requested: 'runNow' });
  return eventually(async () => {
    const view = await guardian();
    return view.lastReport?.pass === before + 1 && view.answering ? view : undefined;
  }, 30_000);
}

/** Mail from a client lands in the mailbox and is pushed, synced and stored. */
async function receive(mail: { subject: string; text: string; from?: string }): Promise<string> {
  const dropped = await dropMail(e2e.sandbox, {
    to: mailbox.email,
    from: mail.from ?? 'Rex Client <rex@client.example>',
    ...mail,
  });
  expect(dropped.push.status).toBe(204);
  const thread = await eventually(
    async () => (await allThreads(e2e.call, owner)).find((t) => t.gmailThreadId === dropped.threadId),
    20_000,
  );
  return thread.id as string;
}

const check = (view: any, name: string) => view.lastReport.checks.find((c: { name: string }) => c.name === name);
const openFindings = async () =>
  (await e2e.call('GET', '/api/unsafe-threads?status=open', { token: owner.accessToken })).body.items;
const ownerAlerts = async () =>
  (await e2e.sandbox.sent('gmail')).filter((m) => m.to === owner.email && String(m.subject).startsWith('Guardian:'));

it('starts with the tenant: a running guardian, nothing checked yet, the first pass an interval away', async () => {
  const view = await guardian(staff);
  expect(view).toEqual({
    workflowId: `guardian:${owner.tenantId}`,
    state: 'running',
    lastRunAt: null,
    nextRunAt: expect.any(String),
    lastReport: null,
    answering: true,
  });
  expect(Date.parse(view.nextRunAt) - Date.now()).toBeGreaterThan(590 * 60_000);
  const description = await e2e.temporal.workflow.getHandle(`guardian:${owner.tenantId}`).describe();
  expect(description.type).toBe('guardian');
  expect(description.searchAttributes).toMatchObject({ TenantId: [owner.tenantId] });
});

it('flags a threatening thread with its category, pauses its auto-replies and alerts the owner exactly once', async () => {
  const settings = await e2e.call('PUT', '/api/guardian/settings', {
    token: owner.accessToken,
    json: { alertPhone: '+1 (415) 555-2671' },
  });
  expect(settings.status).toBe(200);
  expect(settings.body).toEqual({ alertPhone: ALERT_PHONE });

  const threadId = await receive({
    subject: 'About last Saturday',
    text: 'I know where you live. You will regret what your stylist did.',
  });
  const view = await runPass();
  expect(view.lastReport.flaggedThreads).toEqual([
    {
      id: expect.any(String),
      threadId,
      category: 'threat',
      severity: 'high',
      reason: expect.stringContaining('know where you live'),
      flaggedAt: expect.stringMatching(/Z$/),
    },
  ]);
  expect(view.lastReport.checks.map((c: { name: string }) => c.name)).toEqual([
    'postgres',
    'gmail',
    'stripe',
    'twilio',
    'claude',
    'emails',
    'invoices',
    'workflows',
    'contentSafety',
  ]);
  expect(check(view, 'contentSafety')).toEqual({
    name: 'contentSafety',
    status: 'warn',
    detail: 'Screened 1 new message, 1 unsafe',
  });
  expect(view.lastReport.status).toBe('warn');
  for (const name of ['postgres', 'gmail', 'stripe', 'twilio', 'claude', 'emails', 'invoices'])
    expect(check(view, name)).toMatchObject({ status: 'ok' });
  expect(check(view, 'stripe').detail).toMatch(/^Stripe answered in sandbox mode/);

  const findings = await openFindings();
  expect(findings).toEqual([
    expect.objectContaining({
      id: view.lastReport.flaggedThreads[0].id,
      threadId,
      category: 'threat',
      severity: 'high',
      status: 'open',
      flaggedAt: expect.any(String),
      reason: expect.any(String),
    }),
  ]);
  const thread = await e2e.call('GET', `/api/threads/${threadId}`, { token: owner.accessToken });
  expect(thread.body).toMatchObject({ unsafe: true, autoReplyPaused: true });

  // One email to the owner (through the outbox and its own workflow) and, high severity, one SMS.
  const alerts = await eventually(async () => {
    const sent = await ownerAlerts();
    return sent.length > 0 ? sent : undefined;
  }, 30_000);
  expect(alerts).toEqual([
    expect.objectContaining({ to: owner.email, subject: 'Guardian: a threat in "About last Saturday"' }),
  ]);
  expect(alerts[0].text).toContain(`/api/unsafe-threads/${findings[0].id}/resolve`);
  const texts = await eventually(async () => {
    const sent = (await e2e.sandbox.sent('twilio')).filter((m) => m.to === ALERT_PHONE);
    return sent.length > 0 ? sent : undefined;
  }, 30_000);
  expect(texts).toEqual([expect.objectContaining({ body: expect.stringContaining('Auto-replies paused') })]);
  const finding = await eventually(async () => {
    const res = await e2e.call('GET', `/api/unsafe-threads/${findings[0].id}`, { token: owner.accessToken });
    return res.body.alert.alertedAt ? res.body : undefined;
  }, 30_000);
  expect(finding.alert).toEqual({
    emailId: expect.any(String),
    sms: 'sent',
    smsDetail: expect.stringMatching(/^SM/),
    alertedAt: expect.any(String),
  });
  const email = await e2e.call('GET', `/api/emails/${finding.alert.emailId}`, { token: owner.accessToken });
  expect(email.body).toMatchObject({ status: 'sent', to: owner.email });

  // Another pass: the same finding is neither flagged nor alerted again.
  const again = await runPass();
  expect(again.lastReport.flaggedThreads).toEqual([]);
  expect(check(again, 'contentSafety')).toEqual({
    name: 'contentSafety',
    status: 'ok',
    detail: 'Screened 0 new messages, 0 unsafe',
  });
  expect(await ownerAlerts()).toHaveLength(1);
  expect((await e2e.sandbox.sent('twilio')).filter((m) => m.to === ALERT_PHONE)).toHaveLength(1);
  expect(await openFindings()).toHaveLength(1);
});

it('leaves a message unclassified while Claude fails two passes, and classifies it on the third', async () => {
  const threadId = await receive({
    subject: 'Your receptionist',
    text: 'Honestly you are an idiot and your staff are useless.',
  });
  const callsBefore = (await e2e.sandbox.requests('anthropic')).length;
  await e2e.sandbox.fault({ provider: 'anthropic', status: 500, count: 2 });

  for (let failing = 0; failing < 2; failing += 1) {
    const view = await runPass();
    expect(check(view, 'contentSafety')).toEqual({
      name: 'contentSafety',
      status: 'fail',
      detail: expect.stringContaining('1 message waits for the next pass'),
    });
    expect(check(view, 'claude')).toEqual({
      name: 'claude',
      status: 'fail',
      detail: expect.stringContaining('server_error'),
    });
    expect(view.lastReport.flaggedThreads).toEqual([]);
    expect((await openFindings()).map((f: { threadId: string }) => f.threadId)).not.toContain(threadId);
  }

  const view = await runPass();
  expect(view.lastReport.flaggedThreads).toEqual([
    expect.objectContaining({ threadId, category: 'harassment', severity: 'medium' }),
  ]);
  expect(check(view, 'claude')).toMatchObject({ status: 'ok' });
  const calls = (await e2e.sandbox.requests('anthropic')).slice(callsBefore);
  expect(calls.map((c) => [c.fault, c.status])).toEqual([
    [true, 500],
    [true, 500],
    [false, 200],
  ]);
  expect(
    (await openFindings()).map((f: { threadId: string; category: string }) => [f.threadId, f.category]),
  ).toContainEqual([threadId, 'harassment']);
  const alert = await eventually(async () => {
    const sent = (await ownerAlerts()).filter((m) => m.subject === 'Guardian: harassment in "Your receptionist"');
    return sent.length > 0 ? sent : undefined;
  }, 30_000);
  expect(alert).toHaveLength(1);
});

it('flags nothing for an ordinary message', async () => {
  const threadId = await receive({
    subject: 'Booking for Tuesday',
    text: 'Hi! Could I book a haircut for Tuesday afternoon? Thanks, Ana',
  });
  const open = await openFindings();
  const view = await runPass();
  expect(view.lastReport.flaggedThreads).toEqual([]);
  expect(check(view, 'contentSafety')).toEqual({
    name: 'contentSafety',
    status: 'ok',
    detail: 'Screened 1 new message, 0 unsafe',
  });
  expect(await openFindings()).toEqual(open);
  const thread = await e2e.call('GET', `/api/threads/${threadId}`, { token: owner.accessToken });
  expect(thread.body).toMatchObject({ unsafe: false, autoReplyPaused: false });
});

it('resolves a finding: as safe, auto-replies on the thread resume; never twice; admin only', async () => {
  const [finding] = (await openFindings()).filter((f: { category: string }) => f.category === 'harassment');
  const path = `/api/unsafe-threads/${finding.id}/resolve`;
  expect((await e2e.call('POST', path, { token: staff.accessToken, json: { resolution: 'safe' } })).status).toBe(403);
  const bad = await e2e.call('POST', path, { token: owner.accessToken, json: { resolution: 'fine' } });
  expect(bad.status).toBe(422);
  expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'resolution' })]);

  const res = await e2e.call('POST', path, {
    token: owner.accessToken,
    json: { resolution: 'safe', note: 'A regular having a bad day' },
  });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    id: finding.id,
    status: 'resolved',
    resolution: 'safe',
    resolutionNote: 'A regular having a bad day',
    resolvedAt: expect.any(String),
    autoReplyPaused: false,
  });
  const thread = await e2e.call('GET', `/api/threads/${finding.threadId}`, { token: owner.accessToken });
  expect(thread.body).toMatchObject({ unsafe: false, autoReplyPaused: false });
  expect((await e2e.call('POST', path, { token: owner.accessToken, json: { resolution: 'handled' } })).status).toBe(
    409,
  );
  expect((await openFindings()).map((f: { id: string }) => f.id)).not.toContain(finding.id);
  const resolved = await e2e.call('GET', '/api/unsafe-threads?status=resolved', { token: staff.accessToken });
  expect(resolved.body.items.map((f: { id: string }) => f.id)).toEqual([finding.id]);

  // Handled keeps the thread's auto-replies paused.
  const [threat] = await openFindings();
  const handled = await e2e.call('POST', `/api/unsafe-threads/${threat.id}/resolve`, {
    token: owner.accessToken,
    json: { resolution: 'handled' },
  });
  expect(handled.body).toMatchObject({ status: 'resolved', resolution: 'handled', autoReplyPaused: true });
  expect(
    (
      await e2e.call('POST', `/api/unsafe-threads/${randomUUID()}/resolve`, {
        token: owner.accessToken,
        json: { resolution: 'safe' },
      })
    ).status,
  ).toBe(404);
});

it('restarts the reminders of an open invoice whose workflow is missing', async () => {
  const invoiceId = randomUUID();
  const workflowId = `invoice:${owner.tenantId}:${invoiceId}`;
  // As if the start had been lost: the invoice is stored, its workflow never started.
  await withTenant(e2e.pool, owner.tenantId, async (db) => {
    const client = await insertClient(db, owner.tenantId, {
      name: 'Lost Client',
      email: 'lost@client.example',
      phone: null,
      timezone: null,
      notes: null,
      smsConsent: null,
    });
    await insertInvoice(db, {
      id: invoiceId,
      tenantId: owner.tenantId,
      clientId: client.id,
      amountCents: 9_000,
      currency: 'usd',
      dueDate: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10),
      description: 'Balayage',
      channels: ['email'],
      scheduleDays: [-3, 0, 3],
      workflowId,
    });
  });
  const view = await runPass();
  expect(check(view, 'invoices')).toEqual({
    name: 'invoices',
    status: 'warn',
    detail: `restarted the reminders of 1 invoice: ${invoiceId}`,
  });
  const description = await e2e.temporal.workflow.getHandle(workflowId).describe();
  expect(description.status.name).toBe('RUNNING');
  expect(description.searchAttributes).toMatchObject({ TenantId: [owner.tenantId], InvoiceId: [invoiceId] });
  // The restarted workflow makes the payment link, as one started by the API would.
  await eventually(
    async () =>
      (await e2e.call('GET', `/api/invoices/${invoiceId}`, { token: owner.accessToken })).body.paymentUrl
        ? true
        : undefined,
    30_000,
  );

  const next = await runPass();
  expect(check(next, 'invoices')).toMatchObject({ status: 'ok' });
});

it('reports, but does not undo, reminders a person stopped on an open invoice', async () => {
  const client = await e2e.call('POST', '/api/clients', {
    token: owner.accessToken,
    json: { name: 'Stopped Client', email: 'stopped@client.example' },
  });
  const dueDate = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  const invoice = await e2e.call('POST', '/api/invoices', {
    token: owner.accessToken,
    json: { clientId: client.body.id, amountCents: 4_000, currency: 'usd', dueDate, description: 'Trim' },
  });
  expect(invoice.status).toBe(201);
  const handle = e2e.temporal.workflow.getHandle(invoice.body.workflowId);
  await handle.terminate('ops stopped these reminders');
  const view = await runPass();
  expect(check(view, 'invoices')).toEqual({
    name: 'invoices',
    status: 'warn',
    detail: `reminders stopped by hand on 1 open invoice: ${invoice.body.id}`,
  });
  expect((await handle.describe()).status.name).toBe('TERMINATED');
});

it('pauses and resumes through the API (admin only); a paused guardian still runs on run-now', async () => {
  expect((await e2e.call('POST', '/api/guardian/pause', { token: staff.accessToken })).status).toBe(403);
  const paused = await e2e.call('POST', '/api/guardian/pause', { token: owner.accessToken });
  expect(paused.status).toBe(200);
  expect(paused.body).toMatchObject({ state: 'paused', nextRunAt: null });
  await eventually(async () => ((await guardian()).state === 'paused' ? true : undefined), 10_000);
  const view = await runPass();
  expect(view).toMatchObject({ state: 'paused', nextRunAt: null });

  const resumed = await e2e.call('POST', '/api/guardian/resume', { token: owner.accessToken });
  expect(resumed.status).toBe(200);
  expect(resumed.body.state).toBe('running');
  const running = await eventually(async () => {
    const v = await guardian();
    return v.state === 'running' ? v : undefined;
  }, 10_000);
  expect(Date.parse(running.nextRunAt)).toBeGreaterThan(Date.now());
  const audit = await e2e.call('GET', '/api/audit?target=guardian', { token: owner.accessToken });
  expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(
    expect.arrayContaining(['guardian.paused', 'guardian.resumed', 'guardian.run_now']),
  );
});

it('refuses a phone number that is not one, or one no person reads texts at, naming the field', async () => {
  const res = await e2e.call('PUT', '/api/guardian/settings', {
    token: owner.accessToken,
    json: { alertPhone: '12345' },
  });
  expect(res.status).toBe(422);
  expect(res.body.errors).toEqual([expect.objectContaining({ path: 'alertPhone' })]);
  const premium = await e2e.call('PUT', '/api/guardian/settings', {
    token: owner.accessToken,
    json: { alertPhone: '+1 900 555 0143' },
  });
  expect(premium.status).toBe(422);
  expect(premium.body.errors).toEqual([
    { path: 'alertPhone', message: 'is a premium-rate number, which cannot be texted' },
  ]);
  expect(
    (await e2e.call('PUT', '/api/guardian/settings', { token: staff.accessToken, json: { alertPhone: null } })).status,
  ).toBe(403);
});

it('names a workflow whose code fails on every step, and is ok again once it is gone', async () => {
  const workflowId = `invoice:${owner.tenantId}:${randomUUID()}`;
  // What a bad deploy or a handler throwing on an operator's input does: every workflow task fails.
  const handle = await e2e.temporal.workflow.start('paymentReminder', {
    workflowId,
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
      ((await handle.describe()).raw.pendingWorkflowTask?.attempt ?? 0) >= STUCK_WORKFLOW_TASK_ATTEMPTS
        ? true
        : undefined,
    60_000,
  );
  const view = await runPass();
  expect(check(view, 'workflows')).toEqual({
    name: 'workflows',
    status: 'fail',
    detail: expect.stringContaining(`${workflowId} (paymentReminder): its code fails on every step`),
  });

  await handle.terminate('test over');
  const next = await runPass();
  expect(check(next, 'workflows')).toMatchObject({ status: 'ok' });
}, 120_000);
