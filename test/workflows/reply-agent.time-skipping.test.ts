// The replyAgent workflow on the time-skipping server, with the real activities against the real
// database and only the model and Gmail faked (their narrow interfaces): a newer message
// supersedes a pending draft, a draft nobody decides on expires after the tenant's 48 hours, and
// two people approving at once send one email.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { DatabasePool } from 'slonik';
import { createAgentActivities } from '../../src/activities/agents';
import { createEmailDeliveryActivities, type OutgoingMailbox } from '../../src/activities/email-delivery';
import { emailGuardHolds } from '../../src/activities/email-guards';
import { findDraft, listDrafts } from '../../src/db/agent-drafts';
import { DEFAULT_AGENT_SETTINGS, saveAgentSettings } from '../../src/db/agent-settings';
import { listAuditEntries } from '../../src/db/audit';
import { recordScreening } from '../../src/db/guardian-screenings';
import { tenantTransactions, withTenant } from '../../src/db/tenant-transaction';
import { DEFAULT_EMAIL_RETRY } from '../../src/domain/email';
import { agentWorkflowId } from '../../src/domain/workflow-ids';
import { createLogger } from '../../src/observability/logger';
import type { AgentModel } from '../../src/providers/agent-llm';
import {
  approveDraftUpdate,
  replyAgentStatusQuery,
  agentMessageSignal,
  type ReplyAgentInput,
} from '../../src/workflows/reply-agent.contract';
import { createAppPool, createTenant, storeClientMail } from '../helpers/db';
import { eventually } from '../helpers/eventually';
import { recordHistory } from '../helpers/history-fixtures';
import { createTestWorker, createTimeSkippingEnv } from '../helpers/temporal';

const logger = createLogger({ name: 'test', level: 'silent', pretty: false });
let env: TestWorkflowEnvironment;
let pool: DatabasePool;
let tenantId: string;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `agent-${randomUUID()}`;
const sent: { to: string; subject: string; inReplyTo?: string }[] = [];

/** The model: answers at once with a reply naming the message, no tool. */
const model: AgentModel = {
  async step(request) {
    const first = request.turns[0];
    const asked =
      first?.role === 'user' ? (/--- message to answer ---\nFrom: [^\n]*\n([^\n]*)/.exec(first.text)?.[1] ?? '') : '';
    return {
      provider: 'anthropic',
      model: 'claude-test',
      text: `Thanks for: ${asked}`,
      toolCalls: [],
      inputTokens: 10,
      outputTokens: 5,
    };
  },
};

async function receive(
  gmailThreadId: string,
  text: string,
  tenant = tenantId,
): Promise<{ threadId: string; messageId: string }> {
  const stored = await storeClientMail(pool, tenant, { text, gmailThreadId });
  return { threadId: stored.threadId, messageId: stored.messageId as string };
}

async function tell(threadId: string, messageId: string, tenant = tenantId): Promise<void> {
  const input: ReplyAgentInput = { tenantId: tenant, threadId, emailRetry: DEFAULT_EMAIL_RETRY };
  await env.client.workflow.signalWithStart('replyAgent', {
    workflowId: agentWorkflowId(tenant, threadId),
    taskQueue,
    args: [input],
    signal: agentMessageSignal,
    signalArgs: [{ messageId }],
  });
}

const draftsOf = (threadId: string) => withTenant(pool, tenantId, (db) => listDrafts(db, { threadId, limit: 50 }));

async function pendingDraft(threadId: string, messageId: string) {
  return eventually(async () => {
    const status = await env.client.workflow
      .getHandle(agentWorkflowId(tenantId, threadId))
      .query(replyAgentStatusQuery);
    if (status.state !== 'awaiting_approval') return undefined;
    return (await draftsOf(threadId)).find((d) => d.messageId === messageId && d.status === 'pending');
  }, 20_000);
}

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  pool = await createAppPool();
  tenantId = await createTenant(pool, 'Agent Salon');
  const mailbox: OutgoingMailbox = {
    address: 'frontdesk@salon.example',
    gmail: {
      send: async (email) => {
        sent.push({
          to: String(email.to),
          subject: email.subject,
          ...(email.inReplyTo ? { inReplyTo: email.inReplyTo } : {}),
        });
        return { id: `gm-${randomUUID()}`, threadId: `th-${randomUUID()}`, labelIds: ['SENT'] };
      },
      findByMessageId: async () => null,
    },
  };
  const activities = {
    ...createAgentActivities({
      tx: tenantTransactions(pool),
      logger,
      claude: () => model,
      openai: () => null,
      busyTimes: async () => [],
    }),
    ...createEmailDeliveryActivities({
      tx: tenantTransactions(pool),
      logger,
      mailboxFor: async () => mailbox,
      guardHolds: emailGuardHolds,
      onReauthRequired: async () => undefined,
    }),
  };
  worker = await createTestWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../src/workflows'),
    activities,
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await pool?.end();
});

it('a newer message supersedes the pending draft, and a fresh draft answers it', async () => {
  const gmailThread = `t-${randomUUID()}`;
  const first = await receive(gmailThread, 'Can I come Monday?');
  await tell(first.threadId, first.messageId);
  const draft1 = await pendingDraft(first.threadId, first.messageId);
  expect(draft1.text).toBe('Thanks for: Can I come Monday?');

  const second = await receive(gmailThread, 'Actually, Tuesday?');
  await tell(second.threadId, second.messageId);
  const draft2 = await pendingDraft(second.threadId, second.messageId);
  expect(draft2.text).toBe('Thanks for: Actually, Tuesday?');
  expect((await withTenant(pool, tenantId, (db) => findDraft(db, draft1.id)))?.status).toBe('superseded');
  await recordHistory(
    'replyAgent--superseded',
    env.client.workflow.getHandle(agentWorkflowId(tenantId, first.threadId)),
  );
});

it('a draft nobody decides on expires after 48 hours and can no longer be approved', async () => {
  const message = await receive(`t-${randomUUID()}`, 'Do you do beards?');
  await tell(message.threadId, message.messageId);
  const draft = await pendingDraft(message.threadId, message.messageId);
  await env.sleep('47 hours');
  expect((await withTenant(pool, tenantId, (db) => findDraft(db, draft.id)))?.status).toBe('pending');
  await env.sleep('2 hours');
  await eventually(
    async () =>
      (await withTenant(pool, tenantId, (db) => findDraft(db, draft.id)))?.status === 'expired' ? true : undefined,
    20_000,
  );
  const handle = env.client.workflow.getHandle(agentWorkflowId(tenantId, message.threadId));
  await expect(
    handle.executeUpdate(approveDraftUpdate, { args: [{ draftId: draft.id, userId: null }] }),
  ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  await recordHistory('replyAgent--expired', handle);
});

it('two people approving at once send one email; the other hears the draft is no longer pending', async () => {
  const message = await receive(`t-${randomUUID()}`, 'Is parking free?');
  await tell(message.threadId, message.messageId);
  const draft = await pendingDraft(message.threadId, message.messageId);
  const before = sent.length;
  const handle = env.client.workflow.getHandle(agentWorkflowId(tenantId, message.threadId));
  const approve = (userId: string) =>
    handle.executeUpdate(approveDraftUpdate, { args: [{ draftId: draft.id, userId, text: null }] });
  const outcomes = await Promise.allSettled([approve(randomUUID()), approve(randomUUID())]);
  const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
  const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  expect(fulfilled).toHaveLength(1);
  expect(rejected).toHaveLength(1);
  expect(rejected[0]!.reason).toBeInstanceOf(WorkflowUpdateFailedError);
  const emailId = (fulfilled[0] as PromiseFulfilledResult<{ emailId: string }>).value.emailId;
  await env.client.workflow.getHandle(`email:${tenantId}:${emailId}`).result();
  expect(sent.slice(before)).toEqual([
    {
      to: 'rex@client.example',
      subject: 'Re: About my appointment',
      inReplyTo: expect.stringContaining('@client.example>'),
    },
  ]);
  expect((await withTenant(pool, tenantId, (db) => findDraft(db, draft.id)))?.status).toBe('sent');
  await recordHistory('replyAgent--approved-twice-at-once', handle);
});

it("under safe_only, a message the guardian screened safe is answered at once and the send is audited as the agent's", async () => {
  const autoTenant = await createTenant(pool, 'Auto Salon');
  await withTenant(pool, autoTenant, (db) =>
    saveAgentSettings(db, autoTenant, { ...DEFAULT_AGENT_SETTINGS, autoSend: 'safe_only' }),
  );
  const safe = await receive(`t-${randomUUID()}`, 'Thanks for today!', autoTenant);
  const unscreened = await receive(`t-${randomUUID()}`, 'Is the shop open on Sunday?', autoTenant);
  await withTenant(pool, autoTenant, (db) =>
    recordScreening(db, {
      tenantId: autoTenant,
      messageId: safe.messageId,
      threadId: safe.threadId,
      safe: true,
      category: null,
      severity: 'none',
      reason: 'ordinary',
    }),
  );
  const before = sent.length;
  await tell(safe.threadId, safe.messageId, autoTenant);
  await tell(unscreened.threadId, unscreened.messageId, autoTenant);
  const draftOf = (threadId: string) =>
    withTenant(pool, autoTenant, async (db) => (await listDrafts(db, { threadId, limit: 5 }))[0]);
  const sentDraft = await eventually(async () => {
    const d = await draftOf(safe.threadId);
    return d?.status === 'sent' && d.emailId ? d : undefined;
  }, 20_000);
  await env.client.workflow.getHandle(`email:${autoTenant}:${sentDraft.emailId}`).result();
  expect(sent.slice(before).map((m) => m.subject)).toEqual(['Re: About my appointment']);
  // Not screened (yet): it waits for a person.
  const waiting = await eventually(async () => draftOf(unscreened.threadId), 20_000);
  expect(waiting.status).toBe('pending');
  const audit = await withTenant(pool, autoTenant, (db) =>
    listAuditEntries(db, { target: `agent_draft:${sentDraft.id}`, limit: 10 }),
  );
  expect(audit.map((e) => [e.action, e.actorId])).toEqual([['agent_draft.auto_sent', null]]);
});
