// The replyAgent contract: one workflow per mail thread (agent:<tenant>:<thread>), signalled by
// the mailbox sync for each new message to answer (or by POST /api/agents/threads/:id/draft),
// and the Workflow Updates through which a person approves or rejects its pending draft, so the
// API answers with what was sent.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EmailRetryPolicy } from '../domain/email';

export interface ReplyAgentInput {
  tenantId: string;
  threadId: string;
  /** From config at start; workflows cannot read config. */
  emailRetry: EmailRetryPolicy;
  /**
   * The task queue of its emailDelivery children (the delivery queue: temporal/task-queues.ts),
   * from config at start. Absent in runs started before the queues were split: their children run
   * on the parent's queue, as they always did.
   */
  deliveryTaskQueue?: string;
  /** Across continue-as-new: the message still owed a draft. */
  carried?: { latestMessageId: string | null; owed: boolean; drafts: number };
}

export interface AgentMessageArgs {
  messageId: string;
}

export interface ApproveDraftArgs {
  draftId: string;
  /** The person's edit; the draft's own text when absent. */
  text?: string | null;
  userId: string | null;
}

export interface RejectDraftArgs {
  draftId: string;
  reason?: string | null;
  userId: string | null;
}

export interface ApprovedDraft {
  id: string;
  status: 'sent';
  emailId: string;
}

export interface RejectedDraft {
  id: string;
  status: 'rejected';
}

export interface ReplyAgentStatus {
  state: 'waiting' | 'drafting' | 'awaiting_approval' | 'sending';
  draftId: string | null;
  drafts: number;
}

/** Type of the Update failure when the draft is no longer the pending one (the API's 409). */
export const DRAFT_NOT_PENDING = 'draft_not_pending';

export const agentMessageSignal = defineSignal<[AgentMessageArgs]>('message');
export const approveDraftUpdate = defineUpdate<ApprovedDraft, [ApproveDraftArgs]>('approve');
export const rejectDraftUpdate = defineUpdate<RejectedDraft, [RejectDraftArgs]>('reject');
export const replyAgentStatusQuery = defineQuery<ReplyAgentStatus>('status');
