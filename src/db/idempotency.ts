// Stored first responses of creating POSTs, per tenant (see middleware/idempotency.ts).
import { z } from 'zod';
import { sql, type Db } from './sql';

const idempotencyRow = z.object({
  requestHash: z.string(),
  responseStatus: z.number().int().nullable(),
  responseBody: z.unknown(),
  responseLocation: z.string().nullable(),
});
export type StoredIdempotentResponse = z.infer<typeof idempotencyRow>;

const keyRow = z.object({ key: z.string() });

/**
 * Takes the key for this request. When another transaction holds the same key, Postgres makes
 * this insert wait for it: if that one commits, the key is taken (false); if it rolls back, this
 * request gets the key (true). A key older than the retention window is taken over as new: a
 * retry after that is a new request (the housekeeping workflow deletes such keys in bulk).
 */
export async function claimIdempotencyKey(
  db: Db,
  tenantId: string,
  key: string,
  requestHash: string,
  ttlHours: number,
): Promise<boolean> {
  const claimed = await db.maybeOne(sql.type(keyRow)`
    INSERT INTO idempotency_keys (tenant_id, key, request_hash) VALUES (${tenantId}, ${key}, ${requestHash})
    ON CONFLICT (tenant_id, key) DO UPDATE
      SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL, response_location = NULL, created_at = now()
      WHERE idempotency_keys.created_at < now() - make_interval(hours => ${ttlHours})
    RETURNING key`);
  return claimed !== null;
}

export async function findIdempotencyKey(db: Db, key: string): Promise<StoredIdempotentResponse | null> {
  return db.maybeOne(sql.type(idempotencyRow)`
    SELECT request_hash AS "requestHash", response_status AS "responseStatus", response_body AS "responseBody",
           response_location AS "responseLocation"
      FROM idempotency_keys WHERE key = ${key}`);
}

export async function storeIdempotentResponse(
  db: Db,
  key: string,
  response: { status: number; body: unknown; location: string | null },
): Promise<void> {
  const body = response.body === undefined ? null : sql.jsonb(response.body as Parameters<typeof sql.jsonb>[0]);
  await db.query(sql.typeAlias('void')`
    UPDATE idempotency_keys
       SET response_status = ${response.status}, response_body = ${body}, response_location = ${response.location}
     WHERE key = ${key}`);
}

export async function releaseIdempotencyKey(db: Db, key: string): Promise<void> {
  await db.query(sql.typeAlias('void')`DELETE FROM idempotency_keys WHERE key = ${key}`);
}
