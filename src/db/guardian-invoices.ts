// Invoices as the guardian checks them: the open ones, whose reminder workflow should be running
// (or have finished its schedule), and whether a person stopped their reminders on purpose.
import { z } from 'zod';
import { invoiceRow, type Invoice } from './invoices';
import { sql, type Db } from './sql';

const oneRow = z.object({ one: z.number() });

/**
 * At most `limit` open invoices, those the guardian checked least recently first (never checked
 * first of all): over successive passes every open invoice gets its turn.
 */
export async function listOpenInvoices(db: Db, limit: number): Promise<readonly Invoice[]> {
  return db.any(sql.type(invoiceRow)`
    SELECT id, tenant_id AS "tenantId", client_id AS "clientId", amount_cents AS "amountCents", currency,
           due_date AS "dueDate", description, channels, schedule_days AS "scheduleDays", status,
           overdue_at AS "overdueAt", payment_url AS "paymentUrl", stripe_checkout_session_id AS "stripeCheckoutSessionId",
           paid_at AS "paidAt", paid_method AS "paidMethod", refunded_cents AS "refundedCents",
           disputed_at AS "disputedAt", workflow_id AS "workflowId", created_at AS "createdAt"
      FROM invoices WHERE status = 'open' ORDER BY reminders_checked_at NULLS FIRST, created_at, id LIMIT ${limit}`);
}

/** Someone cancelled this invoice's reminders (Temporal UI or the ops API): not the guardian's to undo. */
export async function remindersCancelledByHand(db: Db, invoiceId: string): Promise<boolean> {
  return db.exists(sql.type(oneRow)`
    SELECT 1 AS one FROM audit_log WHERE target = ${`invoice:${invoiceId}`} AND action = 'invoice.reminders_cancelled'`);
}

/** These invoices' reminders were just checked (they go to the back of the queue). */
export async function markRemindersChecked(db: Db, invoiceIds: readonly string[]): Promise<void> {
  if (invoiceIds.length === 0) return;
  await db.query(
    sql.typeAlias(
      'void',
    )`UPDATE invoices SET reminders_checked_at = now() WHERE id = ANY(${sql.array([...invoiceIds], 'uuid')})`,
  );
}
