import { sql, type Db } from './sql';

/**
 * Claims a Stripe event id, in the transaction that applies the event. False when it was already
 * claimed: a repeat delivery, which must change nothing. Concurrent repeats wait on the first
 * claim's row lock and then see it.
 */
export async function claimStripeEvent(
  db: Db,
  event: { id: string; tenantId: string; type: string },
): Promise<boolean> {
  const result = await db.query(sql.typeAlias('void')`
    INSERT INTO stripe_events (event_id, tenant_id, type, outcome)
    VALUES (${event.id}, ${event.tenantId}, ${event.type}, 'received')
    ON CONFLICT (event_id) DO NOTHING`);
  return result.rowCount === 1;
}

export async function recordStripeEventOutcome(db: Db, eventId: string, outcome: { invoiceId: string | null; outcome: string }): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE stripe_events SET invoice_id = ${outcome.invoiceId}, outcome = ${outcome.outcome} WHERE event_id = ${eventId}`);
}
