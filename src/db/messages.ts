// Inbound mail, one row per Gmail message. Stored idempotently: the Gmail id is unique per
// mailbox, so Pub/Sub repeats, overlapping passes and a crashed pass read again all end in one row.
import { z } from 'zod';
import { sql, type Db } from './sql';
import { addMessageToThread, ensureThread } from './threads';

const gmailIdRow = z.object({ id: z.string() });

export interface InboundMessage {
  mailboxId: string;
  gmailMessageId: string;
  gmailThreadId: string;
  rfcMessageId: string | null;
  inReplyTo: string | null;
  references: string | null;
  fromHeader: string;
  fromEmail: string | null;
  fromName: string | null;
  toHeader: string;
  ccHeader: string | null;
  subject: string;
  sentAt: Date | null;
  receivedAt: Date;
  snippet: string;
  bodyText: string | null;
  labelIds: string[];
  historyId: string | null;
}

export const messageRow = z.object({
  id: z.guid(),
  threadId: z.guid(),
  gmailMessageId: z.string(),
  gmailThreadId: z.string(),
  rfcMessageId: z.string().nullable(),
  inReplyTo: z.string().nullable(),
  references: z.string().nullable(),
  fromHeader: z.string(),
  fromEmail: z.string().nullable(),
  fromName: z.string().nullable(),
  toHeader: z.string(),
  ccHeader: z.string().nullable(),
  subject: z.string(),
  sentAt: z.date().nullable(),
  receivedAt: z.date(),
  snippet: z.string(),
  bodyText: z.string().nullable(),
  labelIds: z.array(z.string()),
  clientId: z.guid().nullable(),
  createdAt: z.date(),
});
export type StoredMessage = z.infer<typeof messageRow>;

const columns = sql.fragment`
  id, thread_id AS "threadId", gmail_message_id AS "gmailMessageId", gmail_thread_id AS "gmailThreadId",
  rfc_message_id AS "rfcMessageId", in_reply_to AS "inReplyTo", "references", from_header AS "fromHeader",
  from_email AS "fromEmail", from_name AS "fromName", to_header AS "toHeader", cc_header AS "ccHeader", subject,
  sent_at AS "sentAt", received_at AS "receivedAt", snippet, body_text AS "bodyText", label_ids AS "labelIds",
  client_id AS "clientId", created_at AS "createdAt"`;

/** The client with this address (the oldest, if several share it), or null. */
export async function clientIdForEmail(db: Db, email: string): Promise<string | null> {
  return db.maybeOneFirst(sql.typeAlias('id')`
    SELECT id FROM clients WHERE email IS NOT NULL AND lower(email) = lower(${email}) ORDER BY created_at, id LIMIT 1`);
}

/**
 * Stores one inbound message in its thread (created on first sight), matched to a client by the
 * sender's address. `stored` is false when the message was already there: nothing changes then.
 */
export async function storeInboundMessage(
  db: Db,
  tenantId: string,
  m: InboundMessage,
): Promise<{ stored: boolean; threadId: string; clientId: string | null; messageId: string | null }> {
  const clientId = m.fromEmail ? await clientIdForEmail(db, m.fromEmail) : null;
  const threadId = await ensureThread(db, {
    tenantId,
    mailboxId: m.mailboxId,
    gmailThreadId: m.gmailThreadId,
    subject: m.subject,
    firstSeenAt: m.receivedAt,
  });
  const inserted = await db.maybeOneFirst(sql.typeAlias('id')`
    INSERT INTO messages (tenant_id, thread_id, mailbox_id, gmail_message_id, gmail_thread_id, rfc_message_id, in_reply_to,
                          "references", from_header, from_email, from_name, to_header, cc_header, subject, sent_at,
                          received_at, snippet, body_text, label_ids, history_id, client_id)
    VALUES (${tenantId}, ${threadId}, ${m.mailboxId}, ${m.gmailMessageId}, ${m.gmailThreadId}, ${m.rfcMessageId}, ${m.inReplyTo},
            ${m.references}, ${m.fromHeader}, ${m.fromEmail}, ${m.fromName}, ${m.toHeader}, ${m.ccHeader}, ${m.subject},
            ${m.sentAt?.toISOString() ?? null}, ${m.receivedAt.toISOString()}, ${m.snippet}, ${m.bodyText},
            ${sql.array(m.labelIds, 'text')}, ${m.historyId}, ${clientId})
    ON CONFLICT (tenant_id, mailbox_id, gmail_message_id) DO NOTHING
    RETURNING id`);
  if (inserted === null) return { stored: false, threadId, clientId, messageId: null };
  await addMessageToThread(db, threadId, {
    receivedAt: m.receivedAt,
    from: m.fromHeader,
    snippet: m.snippet,
    subject: m.subject,
    clientId,
  });
  return { stored: true, threadId, clientId, messageId: inserted };
}

/** Which of these Gmail ids the mailbox already has: the sync fetches only the others. */
export async function storedGmailMessageIds(
  db: Db,
  mailboxId: string,
  gmailIds: readonly string[],
): Promise<Set<string>> {
  if (gmailIds.length === 0) return new Set();
  const rows = await db.anyFirst(sql.type(gmailIdRow)`
    SELECT gmail_message_id AS id FROM messages
     WHERE mailbox_id = ${mailboxId} AND gmail_message_id = ANY(${sql.array([...gmailIds], 'text')})`);
  return new Set(rows);
}

/** A thread's messages, oldest first. */
export async function listThreadMessages(db: Db, threadId: string): Promise<readonly StoredMessage[]> {
  return db.any(sql.type(messageRow)`
    SELECT ${columns} FROM messages WHERE thread_id = ${threadId} ORDER BY received_at, id`);
}
