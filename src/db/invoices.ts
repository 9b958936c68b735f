// Invoices. Status moves only forward from open (paid, void, uncollectible), except a full
// refund that reopens a paid invoice; every transition says whether it happened, so callers act
// (signal the workflow, tell the owner) exactly once.
import { z } from 'zod';
import { sql, type Db } from './sql';

export const INVOICE_STATUSES = ['open', 'paid', 'void', 'uncollectible'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export const PAID_METHODS = ['stripe', 'cash', 'check', 'bank', 'other'] as const;
export type PaidMethod = (typeof PAID_METHODS)[number];

export const invoiceRow = z.object({
  id: z.guid(),
  tenantId: z.guid(),
  clientId: z.guid(),
  amountCents: z.number().int(),
  currency: z.string(),
  dueDate: z.string(),
  description: z.string(),
  channels: z.array(z.enum(['email', 'sms'])),
  scheduleDays: z.array(z.number().int()),
  status: z.enum(INVOICE_STATUSES),
  overdueAt: z.date().nullable(),
  paymentUrl: z.string().nullable(),
  stripeCheckoutSessionId: z.string().nullable(),
  paidAt: z.date().nullable(),
  paidMethod: z.enum(PAID_METHODS).nullable(),
  refundedCents: z.number().int(),
  disputedAt: z.date().nullable(),
  workflowId: z.string(),
  createdAt: z.date(),
});
export type Invoice = z.infer<typeof invoiceRow>;

const columns = sql.fragment`
  id, tenant_id AS "tenantId", client_id AS "clientId", amount_cents AS "amountCents", currency,
  due_date AS "dueDate", description, channels, schedule_days AS "scheduleDays", status,
  overdue_at AS "overdueAt", payment_url AS "paymentUrl", stripe_checkout_session_id AS "stripeCheckoutSessionId",
  paid_at AS "paidAt", paid_method AS "paidMethod", refunded_cents AS "refundedCents",
  disputed_at AS "disputedAt", workflow_id AS "workflowId", created_at AS "createdAt"`;

export interface NewInvoice {
  id: string;
  tenantId: string;
  clientId: string;
  amountCents: number;
  currency: string;
  dueDate: string;
  description: string;
  channels: readonly ('email' | 'sms')[];
  scheduleDays: readonly number[];
  workflowId: string;
}

export async function insertInvoice(db: Db, i: NewInvoice): Promise<Invoice> {
  return db.one(sql.type(invoiceRow)`
    INSERT INTO invoices (id, tenant_id, client_id, amount_cents, currency, due_date, description, channels, schedule_days, workflow_id)
    VALUES (${i.id}, ${i.tenantId}, ${i.clientId}, ${i.amountCents}, ${i.currency}, ${i.dueDate}, ${i.description},
            ${sql.array([...i.channels], 'text')}, ${sql.array([...i.scheduleDays], 'int4')}, ${i.workflowId})
    RETURNING ${columns}`);
}

export async function findInvoice(db: Db, id: string): Promise<Invoice | null> {
  return db.maybeOne(sql.type(invoiceRow)`SELECT ${columns} FROM invoices WHERE id = ${id}`);
}

export async function listInvoices(
  db: Db,
  options: { status?: InvoiceStatus; limit: number; after?: { createdAt: Date; id: string } },
): Promise<Invoice[]> {
  const conditions = [sql.fragment`TRUE`];
  if (options.status) conditions.push(sql.fragment`status = ${options.status}`);
  if (options.after) {
    conditions.push(
      sql.fragment`(created_at, id) < (${options.after.createdAt.toISOString()}::timestamptz, ${options.after.id})`,
    );
  }
  return [
    ...(await db.any(sql.type(invoiceRow)`
      SELECT ${columns} FROM invoices WHERE ${sql.join(conditions, sql.fragment` AND `)}
      ORDER BY created_at DESC, id DESC LIMIT ${options.limit}`)),
  ];
}

export async function setPaymentLink(db: Db, id: string, link: { url: string; sessionId: string }): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE invoices SET payment_url = ${link.url}, stripe_checkout_session_id = ${link.sessionId}, updated_at = now()
    WHERE id = ${id}`);
}

/** open → paid; false when the invoice was not open (already paid, void…). */
export async function markInvoicePaid(
  db: Db,
  id: string,
  paid: { method: PaidMethod; note?: string | null },
): Promise<boolean> {
  const result = await db.query(sql.typeAlias('void')`
    UPDATE invoices SET status = 'paid', paid_at = now(), paid_method = ${paid.method}, paid_note = ${paid.note ?? null}, updated_at = now()
    WHERE id = ${id} AND status = 'open'`);
  return result.rowCount === 1;
}

export async function voidInvoice(db: Db, id: string): Promise<boolean> {
  const result = await db.query(sql.typeAlias('void')`
    UPDATE invoices SET status = 'void', updated_at = now() WHERE id = ${id} AND status = 'open'`);
  return result.rowCount === 1;
}

/**
 * Flags an open invoice overdue once, as of `at` (default: now); true only the first time (the
 * owner is told then, in the next overdue digest).
 */
export async function markInvoiceOverdue(db: Db, id: string, at?: Date): Promise<boolean> {
  const result = await db.query(sql.typeAlias('void')`
    UPDATE invoices SET overdue_at = COALESCE(${at ? at.toISOString() : null}::timestamptz, now()), updated_at = now()
     WHERE id = ${id} AND status = 'open' AND overdue_at IS NULL`);
  return result.rowCount === 1;
}

const statusRow = z.object({ status: z.enum(INVOICE_STATUSES) });

/** Adds a refund; a paid invoice refunded in full is open again. Returns the new status. */
export async function recordRefund(db: Db, id: string, refundedTotalCents: number): Promise<InvoiceStatus | null> {
  return db.maybeOneFirst(sql.type(statusRow)`
    UPDATE invoices
       SET refunded_cents = GREATEST(refunded_cents, ${refundedTotalCents}),
           status = CASE WHEN status = 'paid' AND GREATEST(refunded_cents, ${refundedTotalCents}) >= amount_cents THEN 'open' ELSE status END,
           paid_at = CASE WHEN status = 'paid' AND GREATEST(refunded_cents, ${refundedTotalCents}) >= amount_cents THEN NULL ELSE paid_at END,
           updated_at = now()
     WHERE id = ${id}
     RETURNING status`);
}

export async function markInvoiceDisputed(db: Db, id: string): Promise<boolean> {
  const result = await db.query(sql.typeAlias('void')`
    UPDATE invoices SET disputed_at = now(), updated_at = now() WHERE id = ${id} AND disputed_at IS NULL`);
  return result.rowCount === 1;
}

export async function rescheduleInvoice(
  db: Db,
  id: string,
  change: { dueDate: string; scheduleDays: readonly number[] },
): Promise<Invoice | null> {
  return db.maybeOne(sql.type(invoiceRow)`
    UPDATE invoices SET due_date = ${change.dueDate}, schedule_days = ${sql.array([...change.scheduleDays], 'int4')}, updated_at = now()
    WHERE id = ${id} AND status = 'open'
    RETURNING ${columns}`);
}

/** The invoice a Stripe PaymentIntent paid (refunds and disputes name only the PaymentIntent). */
export async function findInvoiceByPaymentIntent(db: Db, paymentIntentId: string): Promise<Invoice | null> {
  return db.maybeOne(
    sql.type(invoiceRow)`SELECT ${columns} FROM invoices WHERE stripe_payment_intent_id = ${paymentIntentId} LIMIT 1`,
  );
}

export async function setPaymentIntent(db: Db, id: string, paymentIntentId: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE invoices SET stripe_payment_intent_id = ${paymentIntentId}, updated_at = now()
    WHERE id = ${id} AND stripe_payment_intent_id IS NULL`);
}

const tenantIdRow = z.object({ tenant_id: z.guid().nullable() });

/** Which tenant's invoice a PaymentIntent paid, outside any tenant transaction (webhooks). */
export async function tenantForPaymentIntent(db: Db, paymentIntentId: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(tenantIdRow)`
    SELECT tenant_for_payment_intent(${paymentIntentId}) AS tenant_id`);
}
