// SMS rows, outbound (the outbox of POST /api/sms) and inbound (texts clients sent us). An
// outbound row's status moves only through guarded updates: the smsDelivery activities take it
// from queued to sent or failed, Twilio's callbacks from sent to delivered or undelivered, and a
// late or repeated callback never moves it back.
import { z } from 'zod';
import { SMS_STATUSES, type SmsDeliveryStatus, type SmsKeyword } from '../domain/sms';
import { cursorAt } from './keyset-cursor';
import { sql, type Db } from './sql';

const maybeTenantRow = z.object({ t: z.guid().nullable() });
const tenantRow = z.object({ t: z.guid() });

export const smsRow = z.object({
  id: z.guid(),
  tenantId: z.guid(),
  direction: z.enum(['outbound', 'inbound']),
  clientId: z.guid().nullable(),
  to: z.string(),
  from: z.string().nullable(),
  body: z.string(),
  status: z.enum(SMS_STATUSES),
  keyword: z.enum(['stop', 'start', 'help']).nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  twilioSid: z.string().nullable(),
  workflowId: z.string().nullable(),
  sentAt: z.date().nullable(),
  deliveredAt: z.date().nullable(),
  createdAt: z.date(),
  /** created_at to the microsecond, for keyset cursors. */
  cursorKey: z.string(),
});
export type SmsMessage = z.infer<typeof smsRow>;

const columns = sql.fragment`
  id, tenant_id AS "tenantId", direction, client_id AS "clientId", to_number AS "to", from_number AS "from", body,
  status, keyword, attempts, last_error AS "lastError", twilio_sid AS "twilioSid", workflow_id AS "workflowId",
  sent_at AS "sentAt", delivered_at AS "deliveredAt", created_at AS "createdAt", ${cursorAt('created_at')} AS "cursorKey"`;

export async function insertOutboundSms(
  db: Db,
  sms: { id: string; tenantId: string; clientId: string | null; to: string; body: string; workflowId: string },
): Promise<SmsMessage> {
  return db.one(sql.type(smsRow)`
    INSERT INTO sms_messages (id, tenant_id, direction, client_id, to_number, body, status, workflow_id)
    VALUES (${sms.id}, ${sms.tenantId}, 'outbound', ${sms.clientId}, ${sms.to}, ${sms.body}, 'queued', ${sms.workflowId})
    RETURNING ${columns}`);
}

/** Stores an inbound text once per tenant; a redelivered webhook finds it already there (null). */
export async function insertInboundSms(
  db: Db,
  sms: {
    id: string;
    tenantId: string;
    clientId: string | null;
    to: string;
    from: string;
    body: string;
    keyword: SmsKeyword | null;
    twilioSid: string;
  },
): Promise<SmsMessage | null> {
  return db.maybeOne(sql.type(smsRow)`
    INSERT INTO sms_messages (id, tenant_id, direction, client_id, to_number, from_number, body, status, keyword, twilio_sid)
    VALUES (${sms.id}, ${sms.tenantId}, 'inbound', ${sms.clientId}, ${sms.to}, ${sms.from}, ${sms.body}, 'received', ${sms.keyword}, ${sms.twilioSid})
    ON CONFLICT (tenant_id, twilio_sid) WHERE twilio_sid IS NOT NULL DO NOTHING
    RETURNING ${columns}`);
}

export async function findSms(db: Db, id: string): Promise<SmsMessage | null> {
  return db.maybeOne(sql.type(smsRow)`SELECT ${columns} FROM sms_messages WHERE id = ${id}`);
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listSms(
  db: Db,
  options: {
    status?: string;
    direction?: string;
    clientId?: string;
    limit: number;
    after?: { createdAt: string; id: string };
  },
): Promise<SmsMessage[]> {
  const conditions = [sql.fragment`TRUE`];
  if (options.status) conditions.push(sql.fragment`status = ${options.status}`);
  if (options.direction) conditions.push(sql.fragment`direction = ${options.direction}`);
  if (options.clientId) conditions.push(sql.fragment`client_id = ${options.clientId}`);
  if (options.after) {
    conditions.push(
      sql.fragment`(created_at, id) < (${options.after.createdAt}::timestamptz, ${options.after.id}::uuid)`,
    );
  }
  const rows = await db.any(sql.type(smsRow)`
    SELECT ${columns} FROM sms_messages WHERE ${sql.join(conditions, sql.fragment` AND `)}
    ORDER BY created_at DESC, id DESC LIMIT ${options.limit}`);
  return [...rows];
}

/** Counts the attempt and marks it in flight; null when the text is already settled. */
export async function beginSmsAttempt(db: Db, id: string): Promise<SmsMessage | null> {
  return db.maybeOne(sql.type(smsRow)`
    UPDATE sms_messages SET status = 'sending', attempts = attempts + 1, updated_at = now()
     WHERE id = ${id} AND direction = 'outbound' AND status IN ('queued', 'sending')
    RETURNING ${columns}`);
}

/**
 * Twilio took the text: its SID and the number (or Messaging Service) it went from. A status
 * callback may have come first and moved the row on; the sender and SID are recorded either way.
 */
export async function markSmsSent(db: Db, id: string, sent: { twilioSid: string; from: string | null }): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE sms_messages
       SET from_number = COALESCE(from_number, ${sent.from}),
           twilio_sid = COALESCE(twilio_sid, ${sent.twilioSid}),
           last_error = CASE WHEN status IN ('queued', 'sending') THEN NULL ELSE last_error END,
           status = CASE WHEN status IN ('queued', 'sending') THEN 'sent' ELSE status END,
           sent_at = COALESCE(sent_at, now()),
           updated_at = now()
     WHERE id = ${id}`);
}

/** A retryable failure: back in the queue with the error shown, until the next try. */
export async function markSmsRetrying(db: Db, id: string, error: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE sms_messages SET status = 'queued', last_error = ${error}, updated_at = now()
     WHERE id = ${id} AND status = 'sending'`);
}

export async function markSmsFailed(db: Db, id: string, error: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE sms_messages SET status = 'failed', last_error = ${error}, updated_at = now()
     WHERE id = ${id} AND status IN ('queued', 'sending')`);
}

export async function markSmsCancelled(db: Db, id: string, reason: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE sms_messages SET status = 'cancelled', last_error = ${reason}, updated_at = now()
     WHERE id = ${id} AND status IN ('queued', 'sending')`);
}

const RANK_SQL = sql.fragment`CASE status WHEN 'queued' THEN 0 WHEN 'sending' THEN 1 WHEN 'sent' THEN 2 ELSE 3 END`;

/** Which text a status callback is about: our id (from the callback URL) or Twilio's SID. */
export type SmsRef = { id: string } | { sid: string };
export type ReminderSmsRef = { invoiceId: string; step: number } | { sid: string };

/**
 * Applies a delivery status callback, only forward (a "sent" arriving after "delivered" changes
 * nothing). It may arrive before the send activity stored the SID, so it stores the SID too.
 * Returns the row when it changed.
 */
export async function applySmsDeliveryStatus(
  db: Db,
  ref: SmsRef,
  update: { sid: string; status: SmsDeliveryStatus; error: string | null },
): Promise<SmsMessage | null> {
  const rank = update.status === 'sent' ? 2 : 3;
  const match = 'id' in ref ? sql.fragment`id = ${ref.id}` : sql.fragment`twilio_sid = ${ref.sid}`;
  return db.maybeOne(sql.type(smsRow)`
    UPDATE sms_messages
       SET status = ${update.status},
           twilio_sid = COALESCE(twilio_sid, ${update.sid}),
           last_error = COALESCE(${update.error}, last_error),
           sent_at = COALESCE(sent_at, now()),
           delivered_at = CASE WHEN ${update.status} = 'delivered' THEN now() ELSE delivered_at END,
           updated_at = now()
     WHERE ${match} AND direction = 'outbound' AND ${RANK_SQL} < ${rank}
    RETURNING ${columns}`);
}

/** The same for a payment reminder's text (its invoice_reminders row, channel sms). */
export async function applyReminderSmsDeliveryStatus(
  db: Db,
  ref: ReminderSmsRef,
  update: { sid: string; status: SmsDeliveryStatus; error: string | null },
): Promise<boolean> {
  const match =
    'sid' in ref
      ? sql.fragment`sms_sid = ${ref.sid}`
      : sql.fragment`invoice_id = ${ref.invoiceId} AND step = ${ref.step}`;
  const result = await db.query(sql.typeAlias('void')`
    UPDATE invoice_reminders
       SET delivery_status = ${update.status},
           delivery_error = COALESCE(${update.error}, delivery_error),
           sms_sid = COALESCE(sms_sid, ${update.sid})
     WHERE ${match} AND channel = 'sms'
       AND (delivery_status IS NULL OR (delivery_status = 'sent' AND ${update.status} <> 'sent'))`);
  return result.rowCount > 0;
}

/** Whose text this SID is (a lookup across tenants, through a SECURITY DEFINER function). */
export async function tenantForSmsSid(db: Db, twilioSid: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(maybeTenantRow)`SELECT tenant_for_sms_sid(${twilioSid}) AS t`);
}

/** Every tenant with a client at this number (E.164), through a SECURITY DEFINER function. */
export async function tenantsWithClientPhone(db: Db, phone: string): Promise<string[]> {
  const rows = await db.anyFirst(sql.type(tenantRow)`SELECT tenants_with_client_phone(${phone}) AS t`);
  return [...rows];
}
