// The reply agent: its settings (the business profile the model is given), the drafts it wrote,
// and a person's decision on one. Approve and reject are Workflow Updates on the thread's
// replyAgent, so the answer says what was sent, and of two people approving at once one sends
// and the other gets 409.
import Router from '@koa/router';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { agentUsage, findDraft, listDrafts } from '../../../db/agent-drafts';
import { findAgentSettings, saveAgentSettings } from '../../../db/agent-settings';
import { listThreadMessages } from '../../../db/messages';
import type { Db } from '../../../db/sql';
import { findThread } from '../../../db/threads';
import { agentWorkflowId } from '../../../domain/workflow-ids';
import { ConflictError, NotFoundError, ValidationError } from '../../../errors';
import { notifyReplyAgent } from '../../../workflow-starters/reply-agent';
import { approveDraftUpdate, DRAFT_NOT_PENDING, rejectDraftUpdate } from '../../../workflows/reply-agent.contract';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { listPage } from '../../pagination';
import {
  agentSettingsSchema,
  approveBody,
  approvedSchema,
  draftDetailSchema,
  draftPage,
  draftStartedSchema,
  idParams,
  listDraftsQuery,
  presentDraft,
  presentDraftDetail,
  presentSettings,
  putAgentSettingsBody,
  rejectBody,
  rejectedSchema,
  threadParams,
  usageQuery,
  usageSchema,
} from './schema';

const draftCursor = z.object({ createdAt: z.iso.datetime(), id: z.guid() });
const USAGE_DEFAULT_DAYS = 30;

export function agentsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/agents' });
  const endpoint = endpointsFor(router, deps, 'Agents');

  /** The Update's refusal (validator or handler) as the 409 the contract names. */
  async function decide<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (
        err instanceof WorkflowUpdateFailedError &&
        err.cause instanceof ApplicationFailure &&
        err.cause.type === DRAFT_NOT_PENDING
      ) {
        throw new ConflictError('This draft is no longer pending');
      }
      if (err instanceof WorkflowNotFoundError)
        throw new ConflictError('This draft is no longer pending: its thread has no agent running');
      throw err;
    }
  }

  endpoint({
    method: 'get',
    path: '/settings',
    operationId: 'getAgentSettings',
    summary: "The reply agent's settings",
    access: 'owner',
    responses: { 200: { description: 'The settings (defaults until saved)', schema: agentSettingsSchema } },
    async handler({ db, auth }) {
      return { status: 200, body: presentSettings(await findAgentSettings(db, auth.tenantId)) };
    },
  });

  endpoint({
    method: 'put',
    path: '/settings',
    operationId: 'putAgentSettings',
    summary: "Replace the reply agent's settings",
    description:
      'The business profile is what the model knows of the business besides the tools; it is the cached part of every prompt.',
    access: 'owner',
    request: { body: putAgentSettingsBody },
    responses: { 200: { description: 'The saved settings', schema: agentSettingsSchema } },
    async handler({ db, auth, body, audit }) {
      const saved = await saveAgentSettings(db, auth.tenantId, body);
      await audit({
        action: 'agent_settings.updated',
        target: 'agent_settings',
        detail: { enabled: body.enabled, autoSend: body.autoSend, draftTtlHours: body.draftTtlHours },
      });
      return { status: 200, body: presentSettings(saved) };
    },
  });

  endpoint({
    method: 'get',
    path: '/drafts',
    operationId: 'listAgentDrafts',
    summary: 'Reply drafts',
    description:
      'Newest first; `status=pending` lists the ones waiting for a person, `expired` the ones nobody decided on in time.',
    access: 'staff',
    request: { query: listDraftsQuery },
    responses: { 200: { description: 'A page of drafts', schema: draftPage } },
    async handler({ query, db }) {
      const page = await listPage(
        query,
        draftCursor,
        (limit, before) =>
          listDrafts(db, {
            limit,
            ...(query.status ? { status: query.status } : {}),
            ...(query.threadId ? { threadId: query.threadId } : {}),
            ...(before ? { before } : {}),
          }),
        presentDraft,
        (d) => ({ createdAt: d.createdAt, id: d.id }),
      );
      return { status: 200, body: page };
    },
  });

  endpoint({
    method: 'get',
    path: '/drafts/:id',
    operationId: 'getAgentDraft',
    summary: 'One reply draft',
    description: 'With every tool call the model made (name, input, output) and the message it answers.',
    access: 'staff',
    request: { params: idParams },
    responses: { 200: { description: 'The draft', schema: draftDetailSchema } },
    async handler({ params, db }) {
      const draft = await findDraft(db, params.id);
      if (!draft) throw new NotFoundError('No such draft');
      const message = (await listThreadMessages(db, draft.threadId)).find((m) => m.id === draft.messageId) ?? null;
      return { status: 200, body: presentDraftDetail(draft, message) };
    },
  });

  /** The draft a person decides on, and its thread's agent workflow, which takes the decision. */
  async function pendingDraft(db: Db, tenantId: string, id: string) {
    const draft = await findDraft(db, id);
    if (!draft) throw new NotFoundError('No such draft');
    if (draft.status !== 'pending') throw new ConflictError(`This draft is no longer pending: it is ${draft.status}`);
    return { draft, handle: deps.temporal.workflow.getHandle(agentWorkflowId(tenantId, draft.threadId)) };
  }

  endpoint({
    method: 'post',
    path: '/drafts/:id/approve',
    operationId: 'approveAgentDraft',
    summary: 'Approve and send a reply draft',
    description:
      "Sends the draft (or the edited `text`) as a reply in the client's thread (In-Reply-To and References of the message answered) through the email workflow. 409 when the draft is no longer pending.",
    errors: { 409: 'The draft is no longer pending (sent, rejected, superseded or expired)' },
    access: 'staff',
    request: { params: idParams, body: approveBody },
    responses: { 200: { description: 'What was sent', schema: approvedSchema } },
    async handler({ params, body, db, auth, audit }) {
      const { draft, handle } = await pendingDraft(db, auth.tenantId, params.id);
      const sent = await decide(() =>
        handle.executeUpdate(approveDraftUpdate, {
          args: [{ draftId: draft.id, text: body.text ?? null, userId: auth.userId }],
        }),
      );
      await audit({
        action: 'agent_draft.approved',
        target: `agent_draft:${draft.id}`,
        detail: { emailId: sent.emailId, edited: body.text !== undefined },
      });
      return { status: 200, body: sent };
    },
  });

  endpoint({
    method: 'post',
    path: '/drafts/:id/reject',
    operationId: 'rejectAgentDraft',
    summary: 'Reject a reply draft',
    errors: { 409: 'The draft is no longer pending' },
    access: 'staff',
    request: { params: idParams, body: rejectBody },
    responses: { 200: { description: 'The draft, rejected', schema: rejectedSchema } },
    async handler({ params, body, db, auth, audit }) {
      const { draft, handle } = await pendingDraft(db, auth.tenantId, params.id);
      const rejected = await decide(() =>
        handle.executeUpdate(rejectDraftUpdate, {
          args: [{ draftId: draft.id, reason: body.reason ?? null, userId: auth.userId }],
        }),
      );
      await audit({
        action: 'agent_draft.rejected',
        target: `agent_draft:${draft.id}`,
        detail: { reason: body.reason ?? null },
      });
      return { status: 200, body: rejected };
    },
  });

  endpoint({
    method: 'post',
    path: '/threads/:threadId/draft',
    operationId: 'draftAgentReply',
    summary: "Draft a reply to a thread's latest message now",
    description: 'A draft still pending on the thread is superseded by the new one.',
    errors: { 409: 'The thread has no message to answer' },
    access: 'staff',
    request: { params: threadParams },
    responses: { 202: { description: 'The agent is drafting', schema: draftStartedSchema } },
    async handler({ params, db, auth, audit }) {
      const thread = await findThread(db, params.threadId);
      if (!thread) throw new NotFoundError('No such thread');
      const messages = await listThreadMessages(db, thread.id);
      const latest = messages[messages.length - 1];
      if (!latest) throw new ConflictError('This thread has no message to answer');
      const workflowId = await notifyReplyAgent(
        deps.temporal,
        deps.config,
        { tenantId: auth.tenantId, threadId: thread.id, clientId: latest.clientId ?? thread.clientId },
        latest.id,
      );
      await audit({ action: 'agent_draft.requested', target: `thread:${thread.id}`, detail: { messageId: latest.id } });
      return { status: 202, body: { workflowId } };
    },
  });

  endpoint({
    method: 'get',
    path: '/usage',
    operationId: 'getAgentUsage',
    summary: "The reply agent's model usage",
    description:
      'Drafts made in [from, to) per provider and model, with tokens and how many OpenAI made because Claude was down.',
    access: 'admin',
    request: { query: usageQuery },
    responses: { 200: { description: 'Usage per provider and model', schema: usageSchema } },
    async handler({ query, db }) {
      const to = query.to ? new Date(query.to) : new Date();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - USAGE_DEFAULT_DAYS * 86_400_000);
      if (from.getTime() >= to.getTime()) throw new ValidationError([{ path: 'from', message: 'must be before to' }]);
      return { status: 200, body: { items: [...(await agentUsage(db, { from, to }))] } };
    },
  });

  return router;
}
