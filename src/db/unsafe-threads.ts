// Threads the guardian found unsafe: one row per thread and category. Opening one pauses automatic
// replies on its thread; resolving it as safe lets them run again. The alert columns make sure the
// owner hears about each opening once, whatever the workflow retries.
import { z } from 'zod';
import {
  UNSAFE_CATEGORIES,
  UNSAFE_RESOLUTIONS,
  UNSAFE_SEVERITIES,
  UNSAFE_THREAD_STATUSES,
  type UnsafeCategory,
  type UnsafeResolution,
  type UnsafeSeverity,
  type UnsafeThreadStatus,
} from '../domain/guardian';
import { cursorAt } from './keyset-cursor';
import { sql, type Db } from './sql';

const pausedRow = z.object({ paused: z.boolean() });
const flaggedRow = z.object({ id: z.guid(), flaggedAt: z.string() });
const maybeIdRow = z.object({ id: z.guid().nullable() });

export const unsafeThreadRow = z.object({
  id: z.guid(),
  tenantId: z.guid(),
  threadId: z.guid(),
  category: z.enum(UNSAFE_CATEGORIES),
  severity: z.enum(UNSAFE_SEVERITIES),
  reason: z.string(),
  messageId: z.guid().nullable(),
  status: z.enum(UNSAFE_THREAD_STATUSES),
  resolution: z.enum(UNSAFE_RESOLUTIONS).nullable(),
  resolutionNote: z.string().nullable(),
  resolvedBy: z.guid().nullable(),
  resolvedAt: z.date().nullable(),
  /** Microsecond UTC text: part of the finding's key, so it must survive a round trip exactly. */
  flaggedAt: z.string(),
  alertEmailId: z.guid().nullable(),
  alertSmsStatus: z.enum(['sent', 'skipped', 'failed']).nullable(),
  alertSmsDetail: z.string().nullable(),
  alertedAt: z.date().nullable(),
});
export type UnsafeThread = z.infer<typeof unsafeThreadRow>;

const columns = sql.fragment`
  id, tenant_id AS "tenantId", thread_id AS "threadId", category, severity, reason, message_id AS "messageId",
  status, resolution, resolution_note AS "resolutionNote", resolved_by AS "resolvedBy", resolved_at AS "resolvedAt",
  ${cursorAt('flagged_at')} AS "flaggedAt", alert_email_id AS "alertEmailId", alert_sms_status AS "alertSmsStatus",
  alert_sms_detail AS "alertSmsDetail", alerted_at AS "alertedAt"`;

const SEVERITY_RANK: Record<UnsafeSeverity, number> = { low: 1, medium: 2, high: 3 };

export interface UnsafeVerdict {
  tenantId: string;
  threadId: string;
  messageId: string;
  category: UnsafeCategory;
  severity: UnsafeSeverity;
  reason: string;
}

/**
 * Records an unsafe message on its thread. `opened` is true when this made a finding the owner has
 * not heard of: a new (thread, category), or one that had been resolved and is back. A finding
 * already open only takes on a worse severity (and its reason); it is not alerted again.
 */
export async function flagUnsafeThread(db: Db, v: UnsafeVerdict): Promise<{ row: UnsafeThread; opened: boolean }> {
  const existing = await db.maybeOne(sql.type(unsafeThreadRow)`
    SELECT ${columns} FROM unsafe_threads WHERE thread_id = ${v.threadId} AND category = ${v.category} FOR UPDATE`);
  let result: { row: UnsafeThread; opened: boolean };
  if (!existing) {
    const inserted = await db.maybeOne(sql.type(unsafeThreadRow)`
      INSERT INTO unsafe_threads (tenant_id, thread_id, category, severity, reason, message_id)
      VALUES (${v.tenantId}, ${v.threadId}, ${v.category}, ${v.severity}, ${v.reason}, ${v.messageId})
      ON CONFLICT (tenant_id, thread_id, category) DO NOTHING
      RETURNING ${columns}`);
    // Lost a race with another transaction flagging the same thread: that one opened it.
    result = inserted
      ? { row: inserted, opened: true }
      : { row: await findUnsafeThreadOrThrow(db, v.threadId, v.category), opened: false };
  } else if (existing.status === 'resolved') {
    const reopened = await db.one(sql.type(unsafeThreadRow)`
      UPDATE unsafe_threads
         SET status = 'open', resolution = NULL, resolution_note = NULL, resolved_by = NULL, resolved_at = NULL,
             severity = ${v.severity}, reason = ${v.reason}, message_id = ${v.messageId}, flagged_at = now(),
             alert_email_id = NULL, alert_sms_status = NULL, alert_sms_detail = NULL, alerted_at = NULL, updated_at = now()
       WHERE id = ${existing.id}
       RETURNING ${columns}`);
    result = { row: reopened, opened: true };
  } else if (SEVERITY_RANK[v.severity] > SEVERITY_RANK[existing.severity]) {
    const worse = await db.one(sql.type(unsafeThreadRow)`
      UPDATE unsafe_threads SET severity = ${v.severity}, reason = ${v.reason}, message_id = ${v.messageId}, updated_at = now()
       WHERE id = ${existing.id}
       RETURNING ${columns}`);
    result = { row: worse, opened: false };
  } else {
    result = { row: existing, opened: false };
  }
  // Whatever the finding's history, an unsafe message stops automatic replies on its thread.
  await db.query(sql.typeAlias('void')`
    UPDATE threads SET unsafe = true, auto_reply_paused = true, updated_at = now() WHERE id = ${v.threadId}`);
  return result;
}

async function findUnsafeThreadOrThrow(db: Db, threadId: string, category: UnsafeCategory): Promise<UnsafeThread> {
  return db.one(
    sql.type(
      unsafeThreadRow,
    )`SELECT ${columns} FROM unsafe_threads WHERE thread_id = ${threadId} AND category = ${category}`,
  );
}

export async function findUnsafeThread(db: Db, id: string): Promise<UnsafeThread | null> {
  return db.maybeOne(sql.type(unsafeThreadRow)`SELECT ${columns} FROM unsafe_threads WHERE id = ${id}`);
}

/** Most recently flagged first, keyset-paginated on (flagged_at, id). */
export async function listUnsafeThreads(
  db: Db,
  query: { status?: UnsafeThreadStatus; limit: number; before?: { flaggedAt: string; id: string } },
): Promise<readonly UnsafeThread[]> {
  const conditions = [sql.fragment`TRUE`];
  if (query.status) conditions.push(sql.fragment`status = ${query.status}`);
  if (query.before) {
    conditions.push(
      sql.fragment`(flagged_at, id) < (${query.before.flaggedAt}::timestamptz, ${query.before.id}::uuid)`,
    );
  }
  return db.any(sql.type(unsafeThreadRow)`
    SELECT ${columns} FROM unsafe_threads
     WHERE ${sql.join(conditions, sql.fragment` AND `)}
     ORDER BY flagged_at DESC, id DESC
     LIMIT ${query.limit}`);
}

/**
 * Resolves an open finding; null when it is not open (already resolved). Resolved as safe, the
 * thread gets its automatic replies back, unless another finding on it is still open or its
 * sender was blocked.
 */
export async function resolveUnsafeThread(
  db: Db,
  id: string,
  r: { resolution: UnsafeResolution; note: string | null; userId: string },
): Promise<{ row: UnsafeThread; autoRepliesResumed: boolean } | null> {
  const row = await db.maybeOne(sql.type(unsafeThreadRow)`
    UPDATE unsafe_threads
       SET status = 'resolved', resolution = ${r.resolution}, resolution_note = ${r.note}, resolved_by = ${r.userId},
           resolved_at = now(), updated_at = now()
     WHERE id = ${id} AND status = 'open'
     RETURNING ${columns}`);
  if (!row) return null;
  let autoRepliesResumed = false;
  if (r.resolution === 'safe') {
    const resumed = await db.query(sql.typeAlias('void')`
      UPDATE threads SET unsafe = false, auto_reply_paused = false, updated_at = now()
       WHERE id = ${row.threadId}
         AND NOT EXISTS (
           SELECT 1 FROM unsafe_threads u
            WHERE u.thread_id = threads.id AND (u.status = 'open' OR u.resolution = 'blocked'))`);
    autoRepliesResumed = resumed.rowCount > 0;
  }
  return { row, autoRepliesResumed };
}

/** Whether automatic replies are paused on the thread (threads.auto_reply_paused). */
export async function threadAutoReplyPaused(db: Db, threadId: string): Promise<boolean | null> {
  return db.maybeOneFirst(sql.type(pausedRow)`SELECT auto_reply_paused AS paused FROM threads WHERE id = ${threadId}`);
}

/** Every open finding's id and flaggedAt: what findingKey() is made of. */
export async function listOpenFindingRefs(db: Db): Promise<readonly { id: string; flaggedAt: string }[]> {
  return db.any(sql.type(flaggedRow)`
    SELECT id, ${cursorAt('flagged_at')} AS "flaggedAt" FROM unsafe_threads WHERE status = 'open'`);
}

/** Open findings the owner has not been alerted about yet (oldest first). */
export async function listUnalertedFindings(db: Db, limit: number): Promise<readonly UnsafeThread[]> {
  return db.any(sql.type(unsafeThreadRow)`
    SELECT ${columns} FROM unsafe_threads WHERE status = 'open' AND alerted_at IS NULL
     ORDER BY flagged_at, id LIMIT ${limit}`);
}

/**
 * Ties the alert email to this opening of the finding, once: `claimed` is false when an earlier
 * attempt already did (its email is then the one to wait for, never a second).
 */
export async function claimAlertEmail(
  db: Db,
  id: string,
  emailId: string,
): Promise<{ emailId: string | null; claimed: boolean }> {
  const claimed = await db.maybeOneFirst(sql.typeAlias('id')`
    UPDATE unsafe_threads SET alert_email_id = ${emailId}, updated_at = now()
     WHERE id = ${id} AND alert_email_id IS NULL
     RETURNING alert_email_id AS id`);
  if (claimed) return { emailId: claimed, claimed: true };
  const existing = await db.maybeOneFirst(sql.type(maybeIdRow)`
    SELECT alert_email_id AS id FROM unsafe_threads WHERE id = ${id}`);
  return { emailId: existing ?? null, claimed: false };
}

export async function recordAlertSms(
  db: Db,
  id: string,
  sms: { status: 'sent' | 'skipped' | 'failed'; detail: string | null },
): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE unsafe_threads SET alert_sms_status = ${sms.status}, alert_sms_detail = ${sms.detail}, updated_at = now() WHERE id = ${id}`);
}

export async function markFindingAlerted(db: Db, id: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE unsafe_threads SET alerted_at = COALESCE(alerted_at, now()), updated_at = now() WHERE id = ${id}`);
}
