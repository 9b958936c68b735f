// The reply agent end to end over HTTP: mail from a client lands in the sandbox's Gmail, the
// mailbox sync hands it to the thread's replyAgent, Claude (the sandbox's) drafts with the
// business's own tools, a person approves, and exactly one threaded reply leaves through Gmail.
// Also: OpenAI answering when Claude is overloaded, an injection attempt, a newsletter left
// alone, and another business seeing none of it.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { agentWorkflowId } from '../../src/domain/workflow-ids';
import { AGENT_INBOUND } from '../fixtures/agent-inbound';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import { allThreads, connectGmail, dropMail, mailboxIdle, type ConnectedMailbox } from '../helpers/mailbox';
import { eventually } from '../helpers/sandbox';

let e2e: E2E;
let owner: SignedInUser;
let stranger: SignedInUser;
let mailbox: ConnectedMailbox;
let serviceId: string;
const ada = { name: 'Ada Client', email: `ada-${randomUUID()}@client.example` };
const bo = { name: 'Bo Other', email: `bo-${randomUUID()}@client.example` };
let adaId: string;
let adaInvoice: { id: string; paymentUrl: string };
let boInvoice: { id: string; paymentUrl: string };

const call = (method: string, path: string, json?: unknown, user = owner) =>
  e2e.call(method, path, { token: user.accessToken, ...(json !== undefined ? { json } : {}) });

async function invoiceWithLink(clientId: string, description: string) {
  const created = await call('POST', '/api/invoices', {
    clientId,
    amountCents: 8_400,
    currency: 'usd',
    description,
    dueDate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
    scheduleDays: [7],
  });
  expect(created.status).toBe(201);
  return eventually(async () => {
    const res = await call('GET', `/api/invoices/${created.body.id}`);
    return res.body.paymentUrl ? { id: res.body.id as string, paymentUrl: res.body.paymentUrl as string } : undefined;
  }, 30_000);
}

/** Mail from `from` in a new thread, and the pending draft the agent made for it. */
async function mailAndDraft(from: string, mail: { subject: string; text: string }) {
  const dropped = await dropMail(e2e.sandbox, { to: owner.email, from, ...mail });
  const thread = await eventually(
    async () => (await allThreads(e2e.call, owner)).find((t) => t.gmailThreadId === dropped.threadId),
    20_000,
  );
  const draft = await eventually(
    async () => (await call('GET', `/api/agents/drafts?threadId=${thread.id}`)).body.items[0],
    30_000,
  );
  const detail = (await call('GET', `/api/agents/drafts/${draft.id}`)).body;
  return { dropped, thread, draft, detail };
}

const repliesTo = async (threadId: string) => (await e2e.sandbox.sent('gmail')).filter((m) => m.threadId === threadId);

beforeAll(async () => {
  e2e = await startE2E({ GMAIL_SYNC_FALLBACK_SECONDS: '3600' });
  owner = await registerTenant(e2e.server, { businessName: 'Studio North' });
  stranger = await registerTenant(e2e.server, { businessName: 'Someone Else' });
  const allDay = [{ open: '00:00', close: '24:00' }];
  const hours = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, allDay]));
  expect((await call('PUT', '/api/tenant/hours', { hours })).status).toBe(200);
  serviceId = (
    await call('POST', '/api/services', { name: 'Haircut', durationMinutes: 30, priceCents: 4000, currency: 'usd' })
  ).body.id;
  adaId = (await call('POST', '/api/clients', ada)).body.id;
  const boId = (await call('POST', '/api/clients', bo)).body.id;
  adaInvoice = await invoiceWithLink(adaId, 'Colour and cut');
  boInvoice = await invoiceWithLink(boId, 'Bridal package');
  const settings = await call('PUT', '/api/agents/settings', {
    enabled: true,
    autoSend: 'off',
    draftTtlHours: 48,
    businessProfile: {
      description: 'A hair studio',
      policies: 'Cancel 24 hours ahead',
      faq: [{ q: 'Parking?', a: 'Free at the back' }],
      signature: 'Anna at Studio North',
    },
  });
  expect(settings.status).toBe(200);
  mailbox = await connectGmail(e2e.call, owner);
  await mailboxIdle(e2e.temporal, owner.tenantId, mailbox);
}, 120_000);

afterAll(() => e2e?.close());

it('drafts an answer to a slot request with a slot that is free, sends nothing until approved, then one threaded reply', async () => {
  // Ada's own booking takes the first free time, so the slot offered must be a later one.
  const { dropped, thread, draft, detail } = await mailAndDraft(`${ada.name} <${ada.email}>`, AGENT_INBOUND.slotAsk);
  expect(draft).toMatchObject({
    status: 'pending',
    clientId: adaId,
    threadId: thread.id,
    llm: { provider: 'anthropic' },
  });
  expect(draft.llm.inputTokens).toBeGreaterThan(0);
  expect(detail.toolCalls.map((c: any) => c.name)).toEqual(['find_free_slots']);
  const offered = detail.toolCalls[0].output.items[0].startAt as string;
  expect(draft.text).toContain(offered);
  expect(draft.text).toContain('Anna at Studio North');
  expect(detail.message).toMatchObject({ subject: AGENT_INBOUND.slotAsk.subject });
  const from = new Date(offered);
  const to = new Date(from.getTime() + 3_600_000);
  const free = await call(
    'GET',
    `/api/calendar/availability?serviceId=${serviceId}&from=${from.toISOString()}&to=${to.toISOString()}`,
  );
  expect(free.status).toBe(200);
  expect(free.body.slots.map((s: any) => s.startAt)).toContain(offered);
  expect(await repliesTo(dropped.threadId)).toEqual([]);

  const edited = `${draft.text}\n\nP.S. See you soon.`;
  const approved = await call('POST', `/api/agents/drafts/${draft.id}/approve`, { text: edited });
  expect(approved.status).toBe(200);
  expect(approved.body).toMatchObject({ id: draft.id, status: 'sent', emailId: expect.any(String) });
  const again = await call('POST', `/api/agents/drafts/${draft.id}/approve`, {});
  expect(again.status).toBe(409);

  const sent = await eventually(async () => {
    const replies = await repliesTo(dropped.threadId);
    return replies.length > 0 ? replies : undefined;
  }, 30_000);
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({
    to: ada.email,
    subject: `Re: ${AGENT_INBOUND.slotAsk.subject}`,
    inReplyTo: dropped.messageId,
    text: expect.stringContaining('P.S. See you soon.'),
  });
  expect(sent[0].references).toContain(dropped.messageId);
  const after = (await call('GET', `/api/agents/drafts/${draft.id}`)).body;
  expect(after).toMatchObject({ status: 'sent', emailId: approved.body.emailId, text: edited });
  const audit = await call('GET', `/api/audit?target=agent_draft:${draft.id}`);
  expect(audit.body.items.map((e: any) => e.action)).toContain('agent_draft.approved');
});

it("quotes the client's own invoice and its payment link, no one else's", async () => {
  const { draft, detail } = await mailAndDraft(`${ada.name} <${ada.email}>`, AGENT_INBOUND.invoiceAsk);
  expect(detail.toolCalls.map((c: any) => c.name)).toEqual(['list_open_invoices']);
  expect(detail.toolCalls[0].output.items.map((i: any) => i.invoiceId)).toEqual([adaInvoice.id]);
  expect(draft.text).toContain(adaInvoice.paymentUrl);
  expect(draft.text).not.toContain(boInvoice.paymentUrl);
});

it('an injection attempt reaches no other client, changes no setting and sends nothing', async () => {
  const { dropped, draft, detail } = await mailAndDraft(`${ada.name} <${ada.email}>`, AGENT_INBOUND.injection);
  expect(draft.status).toBe('pending');
  const everything = JSON.stringify({ text: draft.text, toolCalls: detail.toolCalls });
  expect(everything).not.toContain(boInvoice.paymentUrl);
  expect(everything).not.toContain(bo.name);
  expect(everything).not.toContain(bo.email);
  const settings = (await call('GET', '/api/agents/settings')).body;
  expect(settings).toMatchObject({ autoSend: 'off', businessProfile: { signature: 'Anna at Studio North' } });
  expect(await repliesTo(dropped.threadId)).toEqual([]);
});

it('a rejected draft is not sent and cannot be approved after', async () => {
  const { dropped, draft, detail } = await mailAndDraft(`${ada.name} <${ada.email}>`, AGENT_INBOUND.complaint);
  expect(detail.toolCalls).toEqual([]);
  const rejected = await call('POST', `/api/agents/drafts/${draft.id}/reject`, { reason: 'I will call her' });
  expect(rejected.status).toBe(200);
  expect(rejected.body).toEqual({ id: draft.id, status: 'rejected' });
  expect((await call('POST', `/api/agents/drafts/${draft.id}/approve`, {})).status).toBe(409);
  expect((await call('GET', `/api/agents/drafts/${draft.id}`)).body.status).toBe('rejected');
  expect(await repliesTo(dropped.threadId)).toEqual([]);
});

it('leaves a newsletter alone: no agent for its thread', async () => {
  const dropped = await dropMail(e2e.sandbox, { to: owner.email, ...AGENT_INBOUND.newsletter });
  const thread = await eventually(
    async () => (await allThreads(e2e.call, owner)).find((t) => t.gmailThreadId === dropped.threadId),
    20_000,
  );
  // The agent is told in the same activity that stores the message: once the pass is over, it would have been.
  await mailboxIdle(e2e.temporal, owner.tenantId, mailbox);
  await expect(
    e2e.temporal.workflow.getHandle(agentWorkflowId(owner.tenantId, thread.id)).describe(),
  ).rejects.toBeInstanceOf(WorkflowNotFoundError);
});

it('when Claude is overloaded, OpenAI drafts the reply and the usage says so', async () => {
  const before = (await e2e.sandbox.sent('openai')).length;
  await e2e.sandbox.fault({ provider: 'anthropic', status: 529, count: 1 });
  const { draft, detail } = await mailAndDraft(`${ada.name} <${ada.email}>`, AGENT_INBOUND.invoiceAsk);
  expect(draft.llm.provider).toBe('openai');
  expect(detail.toolCalls.map((c: any) => c.name)).toEqual(['list_open_invoices']);
  expect(draft.text).toContain(adaInvoice.paymentUrl);
  expect((await e2e.sandbox.sent('openai')).length).toBeGreaterThan(before);
  const usage = await call('GET', '/api/agents/usage');
  expect(usage.status).toBe(200);
  const byProvider = Object.fromEntries(usage.body.items.map((i: any) => [i.provider, i]));
  expect(byProvider.openai).toMatchObject({ calls: 1, fallbacks: 1 });
  expect(byProvider.anthropic.calls).toBeGreaterThanOrEqual(4);
});

it('another business sees none of the drafts and cannot act on them', async () => {
  const mine = (await call('GET', '/api/agents/drafts')).body.items;
  expect(mine.length).toBeGreaterThan(0);
  const pending = mine.find((d: any) => d.status === 'pending');
  expect((await call('GET', '/api/agents/drafts', undefined, stranger)).body.items).toEqual([]);
  expect((await call('GET', `/api/agents/drafts/${pending.id}`, undefined, stranger)).status).toBe(404);
  expect((await call('POST', `/api/agents/drafts/${pending.id}/approve`, {}, stranger)).status).toBe(404);
  expect((await call('POST', `/api/agents/drafts/${pending.id}/reject`, {}, stranger)).status).toBe(404);
  expect((await call('POST', `/api/agents/threads/${pending.threadId}/draft`, undefined, stranger)).status).toBe(404);
  expect((await call('GET', `/api/agents/drafts/${pending.id}`)).body.status).toBe('pending');
});
