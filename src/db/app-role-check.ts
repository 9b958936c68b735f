// Refuses to run API or worker as a role that would silently skip row-level security: a
// superuser, a BYPASSRLS role, or the owner of a tenant table.
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { sql } from './sql';

const roleRow = z.object({ role: z.string(), bypasses: z.boolean(), owned_tables: z.number() });

export async function assertConnectedAsAppRole(pool: DatabasePool): Promise<void> {
  const row = await pool.one(sql.type(roleRow)`
    SELECT current_user AS role,
           (r.rolsuper OR r.rolbypassrls) AS bypasses,
           (SELECT count(*)::int FROM pg_tables t
             WHERE t.schemaname = 'public' AND t.tableowner = current_user) AS owned_tables
      FROM pg_roles r WHERE r.rolname = current_user`);
  if (row.bypasses || row.owned_tables > 0) {
    throw new Error(
      `DATABASE_URL connects as "${row.role}", which ${row.bypasses ? 'bypasses row-level security' : 'owns tables'}; ` +
        'connect as frontdesk_app (or a member of it) and run migrations with MIGRATION_DATABASE_URL',
    );
  }
}
