// The reply agent's drafts. A draft is written pending by its thread's replyAgent workflow and
// leaves pending once (sent, rejected, superseded, expired): every transition is conditional on
// the row still being pending, so of two racing decisions one changes it.
import { z } from 'zod';
import {
  DRAFT_STATUSES,
  LLM_PROVIDERS,
  type DraftStatus,
  type LlmProvider,
  type RecordedToolCall,
} from '../domain/agent';
import { cursorAt } from './keyset-cursor';
import { sql, type Db } from './sql';

export const draftRow = z.object({
  id: z.guid(),
  threadId: z.guid(),
  messageId: z.guid(),
  clientId: z.guid().nullable(),
  status: z.enum(DRAFT_STATUSES),
  text: z.string(),
  provider: z.enum(LLM_PROVIDERS),
  model: z.string(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  fallback: z.boolean(),
  toolCalls: z.array(z.object({ name: z.string(), input: z.record(z.string(), z.unknown()), output: z.unknown() })),
  emailId: z.guid().nullable(),
  decidedBy: z.guid().nullable(),
  decidedAt: z.date().nullable(),
  rejectReason: z.string().nullable(),
  expiresAt: z.date(),
  createdAt: z.string(),
});
export type Draft = z.infer<typeof draftRow>;

const columns = sql.fragment`
  id, thread_id AS "threadId", message_id AS "messageId", client_id AS "clientId", status, text, provider, model,
  input_tokens AS "inputTokens", output_tokens AS "outputTokens", fallback, tool_calls AS "toolCalls", email_id AS "emailId",
  decided_by AS "decidedBy", decided_at AS "decidedAt", reject_reason AS "rejectReason", expires_at AS "expiresAt",
  ${cursorAt('created_at')} AS "createdAt"`;

export interface NewDraft {
  id: string;
  tenantId: string;
  threadId: string;
  messageId: string;
  clientId: string | null;
  text: string;
  provider: LlmProvider;
  model: string;
  inputTokens: number;
  outputTokens: number;
  fallback: boolean;
  toolCalls: RecordedToolCall[];
  expiresAt: Date;
}

/** Idempotent on the id (the workflow chooses it), so an activity retry writes one row. */
export async function insertDraft(db: Db, d: NewDraft): Promise<Draft> {
  await db.query(sql.typeAlias('void')`
    INSERT INTO agent_drafts (id, tenant_id, thread_id, message_id, client_id, text, provider, model, input_tokens,
                              output_tokens, fallback, tool_calls, expires_at)
    VALUES (${d.id}, ${d.tenantId}, ${d.threadId}, ${d.messageId}, ${d.clientId}, ${d.text}, ${d.provider}, ${d.model},
            ${d.inputTokens}, ${d.outputTokens}, ${d.fallback}, ${sql.jsonb(d.toolCalls as unknown as Parameters<typeof sql.jsonb>[0])},
            ${d.expiresAt.toISOString()})
    ON CONFLICT (id) DO NOTHING`);
  return db.one(sql.type(draftRow)`SELECT ${columns} FROM agent_drafts WHERE id = ${d.id}`);
}

export async function findDraft(db: Db, id: string): Promise<Draft | null> {
  return db.maybeOne(sql.type(draftRow)`SELECT ${columns} FROM agent_drafts WHERE id = ${id}`);
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listDrafts(
  db: Db,
  query: { status?: DraftStatus; threadId?: string; limit: number; before?: { createdAt: string; id: string } },
): Promise<readonly Draft[]> {
  const conditions = [sql.fragment`TRUE`];
  if (query.status) conditions.push(sql.fragment`status = ${query.status}`);
  if (query.threadId) conditions.push(sql.fragment`thread_id = ${query.threadId}`);
  if (query.before)
    conditions.push(
      sql.fragment`(created_at, id) < (${query.before.createdAt}::timestamptz, ${query.before.id}::uuid)`,
    );
  return db.any(sql.type(draftRow)`
    SELECT ${columns} FROM agent_drafts WHERE ${sql.join(conditions, sql.fragment` AND `)}
     ORDER BY created_at DESC, id DESC LIMIT ${query.limit}`);
}

/** Moves a pending draft to its outcome; false when it was no longer pending. */
export async function settleDraft(
  db: Db,
  id: string,
  outcome: {
    status: Exclude<DraftStatus, 'pending'>;
    text?: string;
    emailId?: string | null;
    decidedBy?: string | null;
    rejectReason?: string | null;
  },
): Promise<boolean> {
  const updated = await db.maybeOneFirst(sql.typeAlias('id')`
    UPDATE agent_drafts
       SET status = ${outcome.status}, text = COALESCE(${outcome.text ?? null}, text), email_id = ${outcome.emailId ?? null},
           decided_by = ${outcome.decidedBy ?? null}, reject_reason = ${outcome.rejectReason ?? null},
           decided_at = now(), updated_at = now()
     WHERE id = ${id} AND status = 'pending'
     RETURNING id`);
  return updated !== null;
}

export interface UsageRow {
  provider: LlmProvider;
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  fallbacks: number;
}

const providerRow = z.object({
  provider: z.enum(LLM_PROVIDERS),
  model: z.string(),
  calls: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  fallbacks: z.number().int(),
});

/** Drafts made in [from, to), per provider and model. */
export async function agentUsage(db: Db, range: { from: Date; to: Date }): Promise<readonly UsageRow[]> {
  return db.any(sql.type(providerRow)`
    SELECT provider, model, count(*)::int AS calls, COALESCE(sum(input_tokens), 0)::int AS "inputTokens",
           COALESCE(sum(output_tokens), 0)::int AS "outputTokens", count(*) FILTER (WHERE fallback)::int AS fallbacks
      FROM agent_drafts
     WHERE created_at >= ${range.from.toISOString()}::timestamptz AND created_at < ${range.to.toISOString()}::timestamptz
     GROUP BY provider, model ORDER BY provider, model`);
}
