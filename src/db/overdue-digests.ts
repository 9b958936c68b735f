// The owner's daily overdue digest (src/domain/overdue-digest.ts decides when and what it says).
// A digest row per business and local day is claimed first, so a retried or overlapping pass
// makes no second one; the invoices it lists are marked told in the same transaction, so each
// overdue invoice is in exactly one digest.
import { z } from 'zod';
import { sql, type Db } from './sql';

const candidateRow = z.object({
  tenantId: z.guid(),
  timeZone: z.string(),
  lastDigestDate: z.string().nullable(),
});
export type OverdueDigestCandidate = z.infer<typeof candidateRow>;

/**
 * The businesses with open overdue invoices their owner has not been told about, a page at a time
 * in id order, across tenants (through the migration's SECURITY DEFINER function: ids, zones and
 * the day of the last digest, nothing else).
 */
export async function listOverdueDigestCandidates(
  db: Db,
  page: { after: string | null; limit: number },
): Promise<OverdueDigestCandidate[]> {
  const rows = await db.any(sql.type(candidateRow)`
    SELECT tenant_id AS "tenantId", timezone AS "timeZone", last_digest_date::text AS "lastDigestDate"
      FROM overdue_digest_candidates(${page.after}::uuid, ${page.limit})`);
  return [...rows];
}

const digestRow = z.object({ emailId: z.guid().nullable(), invoiceCount: z.number().int() });
export type OverdueDigestRecord = z.infer<typeof digestRow>;
const claimedRow = z.object({ claimed: z.boolean() });

/**
 * Claims the business's digest for that day, as the tenant: false when it already exists (an
 * earlier or concurrent pass, or this activity's own try whose answer was lost; a concurrent
 * claim waits here for the first to commit), true when this one made the (still empty) row.
 */
export async function claimOverdueDigest(db: Db, digest: { tenantId: string; localDate: string }): Promise<boolean> {
  const claimed = await db.maybeOneFirst(sql.type(claimedRow)`
    INSERT INTO overdue_digests (tenant_id, local_date) VALUES (${digest.tenantId}, ${digest.localDate}::date)
    ON CONFLICT (tenant_id, local_date) DO NOTHING
    RETURNING true AS claimed`);
  return claimed === true;
}

export async function findOverdueDigest(db: Db, localDate: string): Promise<OverdueDigestRecord | null> {
  return db.maybeOne(sql.type(digestRow)`
    SELECT email_id AS "emailId", invoice_count AS "invoiceCount" FROM overdue_digests WHERE local_date = ${localDate}::date`);
}

export async function recordOverdueDigestEmail(
  db: Db,
  digest: { localDate: string; emailId: string | null; invoiceCount: number },
): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE overdue_digests SET email_id = ${digest.emailId}, invoice_count = ${digest.invoiceCount}
     WHERE local_date = ${digest.localDate}::date`);
}

const takenRow = z.object({
  invoiceId: z.guid(),
  clientName: z.string(),
  amountCents: z.number().int(),
  currency: z.string(),
  dueDate: z.string(),
  description: z.string(),
});
export type DigestedInvoice = z.infer<typeof takenRow>;

/**
 * Marks the business's open overdue invoices flagged before `cutoff` that the owner has not been
 * told about as told in that day's digest, and returns them, oldest due date first. Row locks make
 * a concurrent take wait and then skip what this one took.
 */
export async function takeUntoldOverdueInvoices(
  db: Db,
  digest: { localDate: string; cutoff: string },
): Promise<DigestedInvoice[]> {
  const rows = await db.any(sql.type(takenRow)`
    WITH taken AS (
      UPDATE invoices
         SET overdue_owner_told_at = now(), overdue_digest_date = ${digest.localDate}::date, updated_at = now()
       WHERE status = 'open' AND overdue_at IS NOT NULL AND overdue_owner_told_at IS NULL
         AND overdue_at < ${digest.cutoff}::timestamptz
      RETURNING id, client_id, amount_cents, currency, due_date, description
    )
    SELECT taken.id AS "invoiceId", COALESCE(c.name, 'a client') AS "clientName", taken.amount_cents AS "amountCents",
           taken.currency, taken.due_date::text AS "dueDate", taken.description
      FROM taken LEFT JOIN clients c ON c.id = taken.client_id
     ORDER BY taken.due_date, c.name, taken.id`);
  return [...rows];
}

/** A reminder workflow of before the digest emailed the owner about this invoice on its own. */
export async function markOverdueOwnerToldByAlert(db: Db, invoiceId: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE invoices SET overdue_owner_told_at = now(), updated_at = now() WHERE id = ${invoiceId} AND overdue_owner_told_at IS NULL`);
}
