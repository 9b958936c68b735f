// One replyAgent per mail thread (workflowId agent:<tenant>:<thread>). Each new message to answer
// arrives as a signal; the workflow drafts a reply in a loop of model steps and read-only tool
// calls (each an activity), stores the draft, and waits for a person: approve and reject are
// Workflow Updates, so of two people approving at once exactly one sends and the other hears the
// draft is no longer pending. A newer message while a draft waits supersedes it and a fresh draft
// is made; a draft nobody decides on expires after the tenant's draftTtlHours. Under
// autoSend safe_only a draft the rules allow goes out at once, audited as the agent's action.
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { createAgentActivities } from '../activities/agents';
import { MAX_AGENT_STEPS, type AgentStep, type AgentTurn, type RecordedToolCall } from '../domain/agent';
import { emailDelivery } from './email-delivery';
import { emailDeliveryChild } from './email-delivery-child';
import {
  agentMessageSignal,
  approveDraftUpdate,
  DRAFT_NOT_PENDING,
  rejectDraftUpdate,
  replyAgentStatusQuery,
  type ReplyAgentInput,
  type ReplyAgentStatus,
} from './reply-agent.contract';

type AgentActivities = ReturnType<typeof createAgentActivities>;

/** Drafts per run before continue-as-new (each adds a few dozen events). */
export const DRAFTS_PER_RUN = 50;

const acts = proxyActivities<AgentActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});
// A model call: Claude's own timeout (30 s) plus, on a fallback, OpenAI's; Claude down with no
// OpenAI configured is retried with backoff for a while before the draft is given up.
const model = proxyActivities<AgentActivities>({
  startToCloseTimeout: '90 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 12 },
});

interface PendingDraft {
  draftId: string;
  state: 'pending' | 'sending' | 'closed';
}

export async function replyAgent(input: ReplyAgentInput): Promise<void> {
  const { tenantId, threadId } = input;
  let latestMessageId = input.carried?.latestMessageId ?? null;
  let owed = input.carried?.owed ?? false;
  let drafts = input.carried?.drafts ?? 0;
  let draftsThisRun = 0;
  let state: ReplyAgentStatus['state'] = 'waiting';
  let current: PendingDraft | null = null;
  // The draft being stored: its row is visible to the API (listed, opened) a moment before this
  // workflow has it as `current`. A decision on it in that moment waits for it instead of a 409.
  let saving: string | null = null;

  setHandler(agentMessageSignal, (args) => {
    // A wrong shape from an operator's signal is logged and ignored, never a failed workflow task.
    if (typeof args?.messageId !== 'string' || args.messageId.length === 0) {
      log.warn('message signal without a messageId ignored');
      return;
    }
    latestMessageId = args.messageId;
    owed = true;
  });

  function acceptOrRefuse(draftId: unknown): void {
    if (saving !== null && saving === draftId) return;
    pendingOrRefuse(draftId);
  }

  /**
   * Waits while the draft is being stored, until it is pending, superseded or auto-sent. Only
   * waits: the caller checks and claims the draft in one synchronous step after it, so of two
   * decisions resumed together the second finds the draft taken.
   */
  function stored(draftId: unknown): Promise<void> {
    return condition(() => saving === null || saving !== draftId);
  }

  function pendingOrRefuse(draftId: unknown): PendingDraft {
    if (current === null || current.draftId !== draftId || current.state !== 'pending') {
      throw ApplicationFailure.create({
        type: DRAFT_NOT_PENDING,
        message: 'the draft is no longer pending',
        nonRetryable: true,
      });
    }
    return current;
  }

  setHandler(
    approveDraftUpdate,
    async (args) => {
      await stored(args.draftId);
      const draft = pendingOrRefuse(args.draftId);
      // Taken before the next await: a second approval arriving now finds it no longer pending.
      draft.state = 'sending';
      state = 'sending';
      try {
        const emailId = await send(draft.draftId, args.text ?? null);
        await acts.settleAgentDraft({
          tenantId,
          draftId: draft.draftId,
          status: 'sent',
          emailId,
          text: args.text ?? null,
          decidedBy: args.userId,
        });
        return { id: draft.draftId, status: 'sent' as const, emailId };
      } catch (err) {
        draft.state = 'pending';
        state = 'awaiting_approval';
        throw err;
      } finally {
        if (draft.state === 'sending') draft.state = 'closed';
      }
    },
    { validator: (args) => acceptOrRefuse(args?.draftId) },
  );

  setHandler(
    rejectDraftUpdate,
    async (args) => {
      await stored(args.draftId);
      const draft = pendingOrRefuse(args.draftId);
      draft.state = 'closed';
      await acts.settleAgentDraft({
        tenantId,
        draftId: draft.draftId,
        status: 'rejected',
        reason: args.reason ?? null,
        decidedBy: args.userId,
      });
      return { id: draft.draftId, status: 'rejected' as const };
    },
    { validator: (args) => acceptOrRefuse(args?.draftId) },
  );

  setHandler(replyAgentStatusQuery, () => ({ state, draftId: current?.draftId ?? null, drafts }));

  for (;;) {
    await condition(() => owed);
    owed = false;
    const messageId = latestMessageId as string;
    state = 'drafting';
    let made: { draftId: string; autoSend: boolean; ttlHours: number } | null;
    try {
      made = await makeDraft(messageId);
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      // Retries spent or a permanent failure: no draft for this message; the next one tries again.
      log.warn('no draft made', { error: err.cause?.message ?? err.message });
      made = null;
    }
    // Cleared in the same step that makes the draft current (or supersedes it), so a decision
    // waiting in stored() sees one or the other.
    saving = null;
    state = 'waiting';
    if (made === null) continue;
    drafts += 1;
    draftsThisRun += 1;

    if (owed) {
      // A newer message came in while this one was drafted: answer that one instead.
      await acts.settleAgentDraft({ tenantId, draftId: made.draftId, status: 'superseded' });
      continue;
    }
    const draft: PendingDraft = { draftId: made.draftId, state: 'pending' };
    current = draft;
    if (made.autoSend) {
      draft.state = 'sending';
      state = 'sending';
      const emailId = await send(draft.draftId, null);
      await acts.settleAgentDraft({ tenantId, draftId: draft.draftId, status: 'sent', emailId, auto: true });
      draft.state = 'closed';
    } else {
      state = 'awaiting_approval';
      const ttlMs = made.ttlHours * 3_600_000;
      const decidedOrNewer = await condition(() => owed || draft.state !== 'pending', ttlMs);
      if (draft.state === 'pending') {
        draft.state = 'closed';
        await acts.settleAgentDraft({
          tenantId,
          draftId: draft.draftId,
          status: decidedOrNewer ? 'superseded' : 'expired',
        });
      } else {
        await condition(() => draft.state === 'closed' || draft.state === 'pending');
      }
    }
    current = null;
    state = 'waiting';

    if ((draftsThisRun >= DRAFTS_PER_RUN || workflowInfo().continueAsNewSuggested) && !owed) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof replyAgent>({ ...input, carried: { latestMessageId, owed, drafts } });
    }
  }

  async function makeDraft(
    messageId: string,
  ): Promise<{ draftId: string; autoSend: boolean; ttlHours: number } | null> {
    const context = await acts.agentDraftContext({ tenantId, threadId, messageId });
    if (context.skip !== null) {
      log.info('no draft for this message', { reason: context.skip });
      return null;
    }
    const turns: AgentTurn[] = [{ role: 'user', text: context.userText }];
    const steps: AgentStep[] = [];
    const toolCalls: RecordedToolCall[] = [];
    let text = '';
    for (let i = 0; i < MAX_AGENT_STEPS; i++) {
      const final = i === MAX_AGENT_STEPS - 1;
      const stayOnFallback = steps.some((s) => s.fallback);
      const step = await model.agentModelStep({
        tenantId,
        system: context.system,
        context: context.context,
        turns,
        final,
        stayOnFallback,
      });
      steps.push(step);
      if (step.toolCalls.length === 0 || final) {
        text = step.text;
        break;
      }
      turns.push({ role: 'assistant', text: step.text, toolCalls: step.toolCalls });
      const results: { id: string; name: string; output: string }[] = [];
      for (const call of step.toolCalls) {
        const output = await acts.agentTool({
          tenantId,
          clientId: context.clientId,
          name: call.name,
          input: call.input,
        });
        toolCalls.push({ name: call.name, input: call.input, output });
        results.push({ id: call.id, name: call.name, output: JSON.stringify(output) });
      }
      turns.push({ role: 'tool', results });
    }
    if (text.trim() === '') return null;
    const draftId = uuid4();
    saving = draftId;
    await acts.saveAgentDraft({
      tenantId,
      draftId,
      threadId,
      messageId,
      clientId: context.clientId,
      text,
      steps: steps.map((s) => ({
        provider: s.provider,
        model: s.model,
        inputTokens: s.inputTokens,
        outputTokens: s.outputTokens,
        fallback: s.fallback,
      })),
      toolCalls,
      draftTtlHours: context.draftTtlHours,
    });
    const autoSend = await acts.agentMayAutoSend({
      tenantId,
      autoSend: context.autoSend,
      screenedSafe: context.screenedSafe,
      toolCalls,
    });
    return { draftId, autoSend, ttlHours: context.draftTtlHours };
  }

  /** The reply into the outbox and its emailDelivery child started; the email id once it is on its way. */
  async function send(draftId: string, text: string | null): Promise<string> {
    const emailId = uuid4();
    await acts.prepareAgentReply({ tenantId, draftId, emailId, text });
    await startChild(emailDelivery, {
      ...emailDeliveryChild({ tenantId, emailId, retry: input.emailRetry }, [], input.deliveryTaskQueue),
      // The reply is delivered whatever happens to this thread's agent afterwards.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    return emailId;
  }
}
