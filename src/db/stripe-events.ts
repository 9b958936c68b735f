import { z } from 'zod';
import { sql, type Db } from './sql';

/**
 * Claims a Stripe event id for the workflow that applies it, in the transaction that applies the
 * event. False when it was already claimed: by a redelivery, which must change nothing, or by an
 * earlier try of the same workflow (see findStripeEventClaim). Concurrent claims wait on the first
 * one's row lock and then see it.
 */
export async function claimStripeEvent(
  db: Db,
  event: { id: string; tenantId: string; type: string; workflowId: string | null },
): Promise<boolean> {
  const result = await db.query(sql.typeAlias('void')`
    INSERT INTO stripe_events (event_id, tenant_id, type, outcome, workflow_id)
    VALUES (${event.id}, ${event.tenantId}, ${event.type}, 'received', ${event.workflowId})
    ON CONFLICT (event_id) DO NOTHING`);
  return result.rowCount === 1;
}

const claimRow = z.object({
  workflowId: z.string().nullable(),
  invoiceId: z.guid().nullable(),
  outcome: z.string(),
  alertEmailId: z.guid().nullable(),
});
export type StripeEventClaim = z.infer<typeof claimRow>;

/** The claim as this tenant sees it (another tenant's claim of the id reads as none). */
export async function findStripeEventClaim(db: Db, eventId: string): Promise<StripeEventClaim | null> {
  return db.maybeOne(sql.type(claimRow)`
    SELECT workflow_id AS "workflowId", invoice_id AS "invoiceId", outcome, alert_email_id AS "alertEmailId"
    FROM stripe_events WHERE event_id = ${eventId}`);
}

export async function recordStripeEventOutcome(
  db: Db,
  eventId: string,
  outcome: { invoiceId: string | null; outcome: string; alertEmailId?: string | null },
): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE stripe_events SET invoice_id = ${outcome.invoiceId}, outcome = ${outcome.outcome}, alert_email_id = ${outcome.alertEmailId ?? null}
    WHERE event_id = ${eventId}`);
}
