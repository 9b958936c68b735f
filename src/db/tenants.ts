import { z } from 'zod';
import type { DatabasePool } from 'slonik';
import { sql, type Db } from './sql';
import { withTenant } from './tenant-transaction';

export const tenantRow = z.object({
  id: z.string().uuid(),
  name: z.string(),
  timezone: z.string(),
  created_at: z.date(),
});
export type Tenant = z.infer<typeof tenantRow>;

/** Inside a transaction whose app.tenant_id is this tenant's id (RLS checks it on insert). */
export async function insertTenant(db: Db, tenant: { id: string; name: string; timezone: string }): Promise<Tenant> {
  return db.one(sql.type(tenantRow)`
    INSERT INTO tenants (id, name, timezone)
    VALUES (${tenant.id}, ${tenant.name}, ${tenant.timezone})
    RETURNING id, name, timezone, created_at`);
}

export async function findTenant(db: Db, id: string): Promise<Tenant | null> {
  return db.maybeOne(sql.type(tenantRow)`SELECT id, name, timezone, created_at FROM tenants WHERE id = ${id}`);
}

/** The seed tenant (DEFAULT_TENANT_ID) exists after every boot; a no-op when it already does. */
export async function ensureDefaultTenant(pool: DatabasePool, id: string): Promise<void> {
  await withTenant(pool, id, async (tx) => {
    await tx.query(sql.unsafe`
      INSERT INTO tenants (id, name, timezone) VALUES (${id}, 'Default business', 'UTC')
      ON CONFLICT (id) DO NOTHING`);
  });
}

/** The tenant's reminder schedule (days from the due date), or null for the default. */
export async function tenantReminderSchedule(db: Db, id: string): Promise<number[] | null> {
  const days = await db.maybeOneFirst(sql.type(z.object({ days: z.array(z.number().int()).nullable() }))`
    SELECT reminder_schedule_days AS days FROM tenants WHERE id = ${id}`);
  return days ?? null;
}
