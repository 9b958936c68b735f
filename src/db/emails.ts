// The emails outbox. Status changes only come from the emailDelivery workflow's activities
// (and the bulk retry), each guarded by the status it expects, so a late retry cannot move a
// sent email back.
import { z } from 'zod';
import { EMAIL_STATUSES, rfcMessageId, type EmailGuard, type EmailPurpose } from '../domain/email';
import { emailWorkflowId } from '../domain/workflow-ids';
import { sql, type Db } from './sql';
import { listOwnerEmails } from './users';

const emailWorkflowRow = z.object({ id: z.string(), workflowId: z.string() });

const guardSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('invoice_open'), invoiceId: z.guid() }),
  z.object({ kind: z.literal('booking_current'), bookingId: z.guid(), startAt: z.iso.datetime() }),
]);

export const emailRow = z.object({
  id: z.guid(),
  tenantId: z.guid(),
  purpose: z.enum(['api', 'test', 'invoice_reminder', 'owner_alert', 'booking_message', 'invitation', 'agent_reply']),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  clientId: z.guid().nullable(),
  threadId: z.string().nullable(),
  inReplyTo: z.string().nullable(),
  references: z.string().nullable(),
  messageId: z.string(),
  guard: guardSchema.nullable(),
  status: z.enum(EMAIL_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  gmailMessageId: z.string().nullable(),
  gmailThreadId: z.string().nullable(),
  workflowId: z.string(),
  sentAt: z.date().nullable(),
  createdAt: z.date(),
});
export type Email = z.infer<typeof emailRow>;

const columns = sql.fragment`
  id, tenant_id AS "tenantId", purpose, to_address AS "to", subject, text_body AS "text", html_body AS "html",
  client_id AS "clientId", thread_id AS "threadId", in_reply_to AS "inReplyTo", "references",
  message_id AS "messageId", guard, status, attempts, last_error AS "lastError",
  gmail_message_id AS "gmailMessageId", gmail_thread_id AS "gmailThreadId", workflow_id AS "workflowId",
  sent_at AS "sentAt", created_at AS "createdAt"`;

export interface NewEmail {
  id: string;
  tenantId: string;
  purpose: EmailPurpose;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  clientId?: string | null;
  threadId?: string | null;
  inReplyTo?: string | null;
  references?: string | null;
  messageId: string;
  guard?: EmailGuard | null;
  workflowId: string;
}

/**
 * An email for the outbox as its callers know it: the Message-ID (which makes a resend findable in
 * Gmail) and the emailDelivery workflow's id both follow from the email's id, here and nowhere else.
 */
export type QueuedEmail = Omit<NewEmail, 'messageId' | 'workflowId'>;

/**
 * Puts an email in the outbox; its emailDelivery workflow is started by the caller (from the API)
 * or run as a child (from a workflow) once this transaction has committed. A retry with the same
 * id returns the first row.
 */
export async function queueEmail(db: Db, email: QueuedEmail): Promise<Email> {
  return insertEmail(db, {
    ...email,
    messageId: rfcMessageId(email.id),
    workflowId: emailWorkflowId(email.tenantId, email.id),
  });
}

/** An email to the business's owner (a dispute, an overdue invoice); null when no owner has an address. */
export async function queueOwnerAlert(
  db: Db,
  alert: { id: string; tenantId: string; subject: string; text: string },
): Promise<Email | null> {
  const [owner] = await listOwnerEmails(db);
  if (!owner) return null;
  return queueEmail(db, { ...alert, purpose: 'owner_alert', to: owner });
}

/** Inserts the email; a second insert with the same id (an activity retry) returns the first. */
export async function insertEmail(db: Db, e: NewEmail): Promise<Email> {
  await db.query(sql.typeAlias('void')`
    INSERT INTO emails (id, tenant_id, purpose, to_address, subject, text_body, html_body, client_id, thread_id,
                        in_reply_to, "references", message_id, guard, workflow_id)
    VALUES (${e.id}, ${e.tenantId}, ${e.purpose}, ${e.to}, ${e.subject}, ${e.text}, ${e.html ?? null},
            ${e.clientId ?? null}, ${e.threadId ?? null}, ${e.inReplyTo ?? null}, ${e.references ?? null},
            ${e.messageId}, ${e.guard ? sql.jsonb(e.guard) : null}, ${e.workflowId})
    ON CONFLICT (id) DO NOTHING`);
  return findEmailOrThrow(db, e.id);
}

export async function findEmail(db: Db, id: string): Promise<Email | null> {
  return db.maybeOne(sql.type(emailRow)`SELECT ${columns} FROM emails WHERE id = ${id}`);
}

async function findEmailOrThrow(db: Db, id: string): Promise<Email> {
  return db.one(sql.type(emailRow)`SELECT ${columns} FROM emails WHERE id = ${id}`);
}

export async function listEmails(
  db: Db,
  options: { status?: string; limit: number; after?: { createdAt: Date; id: string } },
): Promise<Email[]> {
  const conditions = [sql.fragment`TRUE`];
  if (options.status) conditions.push(sql.fragment`status = ${options.status}`);
  if (options.after) {
    conditions.push(
      sql.fragment`(created_at, id) < (${options.after.createdAt.toISOString()}::timestamptz, ${options.after.id})`,
    );
  }
  const rows = await db.any(sql.type(emailRow)`
    SELECT ${columns} FROM emails WHERE ${sql.join(conditions, sql.fragment` AND `)}
    ORDER BY created_at DESC, id DESC LIMIT ${options.limit}`);
  return [...rows];
}

/** Counts the attempt and marks it in flight; returns null when the email is already settled. */
export async function beginSendAttempt(db: Db, id: string): Promise<Email | null> {
  const row = await db.maybeOne(sql.type(emailRow)`
    UPDATE emails SET status = 'sending', attempts = attempts + 1, updated_at = now()
    WHERE id = ${id} AND status IN ('queued', 'sending')
    RETURNING ${columns}`);
  return row;
}

export async function markEmailSent(
  db: Db,
  id: string,
  sent: { gmailMessageId: string; gmailThreadId: string | null },
): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE emails SET status = 'sent', gmail_message_id = ${sent.gmailMessageId}, gmail_thread_id = ${sent.gmailThreadId},
                      last_error = NULL, sent_at = COALESCE(sent_at, now()), updated_at = now()
    WHERE id = ${id} AND status <> 'sent'`);
}

/** A retryable failure: back in the queue with the error shown, until the next try. */
export async function markEmailRetrying(db: Db, id: string, error: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE emails SET status = 'queued', last_error = ${error}, updated_at = now()
    WHERE id = ${id} AND status = 'sending'`);
}

export async function markEmailFailed(db: Db, id: string, error: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE emails SET status = 'failed', last_error = ${error}, updated_at = now()
    WHERE id = ${id} AND status IN ('queued', 'sending')`);
}

export async function markEmailCancelled(db: Db, id: string, reason: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE emails SET status = 'cancelled', last_error = ${reason}, updated_at = now()
    WHERE id = ${id} AND status IN ('queued', 'sending')`);
}

/** Puts every failed email back in the queue; returns the ones it moved (and only those). */
export async function requeueFailedEmails(db: Db): Promise<{ id: string; workflowId: string }[]> {
  const rows = await db.any(sql.type(emailWorkflowRow)`
    UPDATE emails SET status = 'queued', last_error = NULL, updated_at = now()
    WHERE status = 'failed'
    RETURNING id, workflow_id AS "workflowId"`);
  return [...rows];
}
