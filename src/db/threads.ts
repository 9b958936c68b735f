// Mail threads with inbound mail, newest activity first. Rows are created by the mailbox sync
// (db/messages.ts storeInboundMessage); `unsafe` and `autoReplyPaused` are the guardian's to set.
import { z } from 'zod';
import { cursorAt } from './keyset-cursor';
import { sql, type Db } from './sql';

export const threadRow = z.object({
  id: z.guid(),
  tenantId: z.guid(),
  mailboxId: z.guid(),
  gmailThreadId: z.string(),
  subject: z.string(),
  clientId: z.guid().nullable(),
  messageCount: z.number().int(),
  lastMessageAt: z.date(),
  lastFrom: z.string().nullable(),
  lastSnippet: z.string(),
  unsafe: z.boolean(),
  autoReplyPaused: z.boolean(),
  createdAt: z.date(),
});
const threadPageRow = threadRow.extend({ cursorKey: z.string() });
export type Thread = z.infer<typeof threadRow>;

const columns = sql.fragment`
  id, tenant_id AS "tenantId", mailbox_id AS "mailboxId", gmail_thread_id AS "gmailThreadId", subject,
  client_id AS "clientId", message_count AS "messageCount", last_message_at AS "lastMessageAt",
  last_from AS "lastFrom", last_snippet AS "lastSnippet", unsafe, auto_reply_paused AS "autoReplyPaused",
  created_at AS "createdAt"`;

export async function findThread(db: Db, id: string): Promise<Thread | null> {
  return db.maybeOne(sql.type(threadRow)`SELECT ${columns} FROM threads WHERE id = ${id}`);
}

/** Most recent activity first, keyset-paginated on (last_message_at, id); `unsafe` filters. */
export async function listThreads(
  db: Db,
  query: { unsafe?: boolean; clientId?: string; limit: number; before?: { at: string; id: string } },
): Promise<readonly (Thread & { cursorKey: string })[]> {
  const conditions = [sql.fragment`TRUE`];
  if (query.unsafe !== undefined) conditions.push(sql.fragment`unsafe = ${query.unsafe}`);
  if (query.clientId !== undefined) conditions.push(sql.fragment`client_id = ${query.clientId}`);
  if (query.before) {
    conditions.push(sql.fragment`(last_message_at, id) < (${query.before.at}::timestamptz, ${query.before.id}::uuid)`);
  }
  return db.any(sql.type(threadPageRow)`
    SELECT ${columns}, ${cursorAt('last_message_at')} AS "cursorKey"
      FROM threads
     WHERE ${sql.join(conditions, sql.fragment` AND `)}
     ORDER BY last_message_at DESC, id DESC
     LIMIT ${query.limit}`);
}

/** The thread row for a Gmail thread, created on first sight; an existing row is left as it is. */
export async function ensureThread(
  db: Db,
  input: { tenantId: string; mailboxId: string; gmailThreadId: string; subject: string; firstSeenAt: Date },
): Promise<string> {
  return db.oneFirst(sql.typeAlias('id')`
    INSERT INTO threads (tenant_id, mailbox_id, gmail_thread_id, subject, last_message_at)
    VALUES (${input.tenantId}, ${input.mailboxId}, ${input.gmailThreadId}, ${input.subject}, ${input.firstSeenAt.toISOString()})
    ON CONFLICT (tenant_id, mailbox_id, gmail_thread_id) DO UPDATE SET tenant_id = threads.tenant_id
    RETURNING id`);
}

/** Folds one newly stored message into its thread's summary. */
export async function addMessageToThread(
  db: Db,
  threadId: string,
  message: { receivedAt: Date; from: string; snippet: string; subject: string; clientId: string | null },
): Promise<void> {
  const at = message.receivedAt.toISOString();
  await db.query(sql.typeAlias('void')`
    UPDATE threads SET
      message_count = message_count + 1,
      last_from = CASE WHEN message_count = 0 OR ${at}::timestamptz >= last_message_at THEN ${message.from} ELSE last_from END,
      last_snippet = CASE WHEN message_count = 0 OR ${at}::timestamptz >= last_message_at THEN ${message.snippet} ELSE last_snippet END,
      last_message_at = CASE WHEN message_count = 0 THEN ${at}::timestamptz ELSE greatest(last_message_at, ${at}::timestamptz) END,
      subject = CASE WHEN subject = '' THEN ${message.subject} ELSE subject END,
      client_id = coalesce(client_id, ${message.clientId}::uuid),
      updated_at = now()
    WHERE id = ${threadId}`);
}
