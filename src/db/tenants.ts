import { z } from 'zod';
import type { DatabasePool } from 'slonik';
import { sql, type Db } from './sql';
import { withTenant } from './tenant-transaction';

export const tenantRow = z.object({
  id: z.guid(),
  name: z.string(),
  timezone: z.string(),
  /** Days from the due date; null means the default schedule. */
  reminderScheduleDays: z.array(z.number().int()).nullable(),
  /** Password login refused for everyone but owners; they sign in by SSO. */
  ssoRequired: z.boolean(),
  createdAt: z.date(),
});

const COLUMNS = sql.fragment`id, name, timezone, reminder_schedule_days AS "reminderScheduleDays", sso_required AS "ssoRequired",
  created_at AS "createdAt"`;
export type Tenant = z.infer<typeof tenantRow>;

/** Inside a transaction whose app.tenant_id is this tenant's id (RLS checks it on insert). */
export async function insertTenant(db: Db, tenant: { id: string; name: string; timezone: string }): Promise<Tenant> {
  return db.one(sql.type(tenantRow)`
    INSERT INTO tenants (id, name, timezone)
    VALUES (${tenant.id}, ${tenant.name}, ${tenant.timezone})
    RETURNING ${COLUMNS}`);
}

export async function findTenant(db: Db, id: string): Promise<Tenant | null> {
  return db.maybeOne(sql.type(tenantRow)`SELECT ${COLUMNS} FROM tenants WHERE id = ${id}`);
}

/** The seed tenant (DEFAULT_TENANT_ID) exists after every boot; a no-op when it already does. */
export async function ensureDefaultTenant(pool: DatabasePool, id: string): Promise<void> {
  await withTenant(pool, id, async (tx) => {
    await tx.query(sql.typeAlias('void')`
      INSERT INTO tenants (id, name, timezone) VALUES (${id}, 'Default business', 'UTC')
      ON CONFLICT (id) DO NOTHING`);
  });
}

const daysRow = z.object({ days: z.array(z.number().int()).nullable() });

/** The tenant's reminder schedule (days from the due date), or null for the default. */
export async function tenantReminderSchedule(db: Db, id: string): Promise<number[] | null> {
  const days = await db.maybeOneFirst(sql.type(daysRow)`
    SELECT reminder_schedule_days AS days FROM tenants WHERE id = ${id}`);
  return days ?? null;
}

/** Changes only the fields given; reminderScheduleDays null goes back to the default schedule. */
export async function updateTenant(
  db: Db,
  id: string,
  patch: { name?: string; timezone?: string; reminderScheduleDays?: number[] | null; ssoRequired?: boolean },
): Promise<Tenant | null> {
  const sets = [sql.fragment`updated_at = now()`];
  if (patch.name !== undefined) sets.push(sql.fragment`name = ${patch.name}`);
  if (patch.timezone !== undefined) sets.push(sql.fragment`timezone = ${patch.timezone}`);
  if (patch.ssoRequired !== undefined) sets.push(sql.fragment`sso_required = ${patch.ssoRequired}`);
  if (patch.reminderScheduleDays !== undefined) {
    sets.push(
      sql.fragment`reminder_schedule_days = ${patch.reminderScheduleDays === null ? null : sql.array(patch.reminderScheduleDays, 'int4')}`,
    );
  }
  return db.maybeOne(
    sql.type(tenantRow)`UPDATE tenants SET ${sql.join(sets, sql.fragment`, `)} WHERE id = ${id} RETURNING ${COLUMNS}`,
  );
}
