// Screening inbound mail: which stored messages Claude has not judged yet, and each verdict.
// Messages are read in the order they were stored, from a little before the guardian's
// checkpoint: a sync transaction that began before a message already screened may commit after it,
// with an earlier created_at, and must still be seen. The verdict rows keep that overlap from
// classifying anything twice.
import { z } from 'zod';
import type { MessageCheckpoint, UnsafeCategory } from '../domain/guardian';
import { cursorAt } from './keyset-cursor';
import { sql, type Db } from './sql';

/** How far before the checkpoint each scan starts: longer than any sync transaction lasts. */
export const SCREENING_OVERLAP_MS = 15 * 60 * 1000;

export const unscreenedMessageRow = z.object({
  id: z.guid(),
  threadId: z.guid(),
  from: z.string(),
  rfcMessageId: z.string().nullable(),
  subject: z.string(),
  text: z.string(),
  storedAt: z.string(),
});
export type UnscreenedMessage = z.infer<typeof unscreenedMessageRow>;

function scanFloor(checkpoint: MessageCheckpoint | null) {
  if (!checkpoint) return sql.fragment`TRUE`;
  return sql.fragment`m.created_at >= ${checkpoint.storedAt}::timestamptz - ${`${SCREENING_OVERLAP_MS} milliseconds`}::interval`;
}

/** The next messages to screen, oldest stored first. */
export async function listUnscreenedMessages(
  db: Db,
  query: { checkpoint: MessageCheckpoint | null; limit: number; maxTextChars: number },
): Promise<readonly UnscreenedMessage[]> {
  return db.any(sql.type(unscreenedMessageRow)`
    SELECT m.id, m.thread_id AS "threadId", m.from_header AS "from", m.rfc_message_id AS "rfcMessageId", m.subject,
           left(coalesce(nullif(m.body_text, ''), m.snippet), ${query.maxTextChars}) AS text,
           ${cursorAt('created_at')} AS "storedAt"
      FROM messages m
     WHERE ${scanFloor(query.checkpoint)}
       AND NOT EXISTS (SELECT 1 FROM message_screenings s WHERE s.message_id = m.id)
     ORDER BY m.created_at, m.id
     LIMIT ${query.limit}`);
}

const nRow = z.object({ n: z.number().int() });

export async function countUnscreenedMessages(db: Db, checkpoint: MessageCheckpoint | null): Promise<number> {
  return db.oneFirst(sql.type(nRow)`
    SELECT count(*)::int AS n FROM messages m
     WHERE ${scanFloor(checkpoint)}
       AND NOT EXISTS (SELECT 1 FROM message_screenings s WHERE s.message_id = m.id)`);
}

export interface Screening {
  tenantId: string;
  messageId: string;
  threadId: string;
  safe: boolean;
  category: UnsafeCategory | null;
  severity: 'none' | 'low' | 'medium' | 'high';
  reason: string;
}

/** Records a verdict; false when the message already had one (a retried activity). */
export async function recordScreening(db: Db, s: Screening): Promise<boolean> {
  const result = await db.query(sql.typeAlias('void')`
    INSERT INTO message_screenings (message_id, tenant_id, thread_id, safe, category, severity, reason)
    VALUES (${s.messageId}, ${s.tenantId}, ${s.threadId}, ${s.safe}, ${s.category}, ${s.severity}, ${s.reason.slice(0, 1000)})
    ON CONFLICT (message_id) DO NOTHING`);
  return result.rowCount === 1;
}
