// Deletes what has outlived its use, across tenants, through one SECURITY DEFINER function (see
// its migration for what and why): the app role has no broader DELETE on these tables.
import { z } from 'zod';
import { sql, type Db } from './sql';

const purged = z.object({
  rateLimits: z.coerce.number().int(),
  refreshTokens: z.coerce.number().int(),
  oauthStates: z.coerce.number().int(),
  idempotencyKeys: z.coerce.number().int(),
});
export type PurgedRecords = z.infer<typeof purged>;

export async function purgeExpiredRecords(db: Db, options: { idempotencyTtlHours: number }): Promise<PurgedRecords> {
  return db.one(sql.type(purged)`
    SELECT rate_limits AS "rateLimits", refresh_tokens AS "refreshTokens", oauth_states AS "oauthStates",
           idempotency_keys AS "idempotencyKeys"
      FROM purge_expired_records(${options.idempotencyTtlHours})`);
}
