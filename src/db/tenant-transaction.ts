// Every read or write of tenant data goes through here: one transaction with app.tenant_id set
// locally, which the row-level security policies compare each row's tenant_id with.
import type { DatabasePool, DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { sql } from './sql';

const settingRow = z.object({ setting: z.string() });

export async function withTenant<T>(
  pool: DatabasePool,
  tenantId: string,
  fn: (tx: DatabaseTransactionConnection) => Promise<T>,
): Promise<T> {
  return pool.transaction(async (tx) => {
    // set_config(..., true) lasts until the transaction ends, so a pooled connection can never
    // carry one tenant's id into the next request.
    await tx.query(sql.type(settingRow)`SELECT set_config('app.tenant_id', ${tenantId}, true) AS setting`);
    return fn(tx);
  });
}

/** A transaction as one tenant, the way activities ask for one: made once per worker, passed in. */
export type RunAsTenant = <T>(tenantId: string, fn: (db: DatabaseTransactionConnection) => Promise<T>) => Promise<T>;

export function tenantTransactions(pool: DatabasePool): RunAsTenant {
  return (tenantId, fn) => withTenant(pool, tenantId, fn);
}
