// Every tenant's id, across tenants: what the worker needs at boot to start a guardian for each
// one lacking it. Goes through the migration's narrow SECURITY DEFINER function, so the app role
// still reads no tenant row outside RLS.
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { sql } from './sql';

const idRow = z.object({ id: z.guid() });

export async function listTenantIds(pool: DatabasePool): Promise<string[]> {
  const ids = await pool.anyFirst(sql.type(idRow)`SELECT guardian_tenant_ids() AS id`);
  return [...ids];
}
