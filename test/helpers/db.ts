import { randomUUID } from 'node:crypto';
import { createPool, type DatabasePool } from '../../src/db/pool';
import { insertTenant } from '../../src/db/tenants';
import { withTenant } from '../../src/db/tenant-transaction';

/** A pool connected as the application role, exactly as API and worker connect. */
export function createAppPool(url = process.env.DATABASE_URL as string): Promise<DatabasePool> {
  return createPool({ url, maximumPoolSize: 5, connectionTimeout: 2_000 });
}

export async function createTenant(pool: DatabasePool, name = 'Test salon'): Promise<string> {
  const id = randomUUID();
  await withTenant(pool, id, (tx) => insertTenant(tx, { id, name, timezone: 'Europe/London' }));
  return id;
}
