import { z } from 'zod';
import { ROLES, type Role } from '../domain/roles';
import { cursorAt } from './keyset-cursor';
import { sql, type Db } from './sql';

export const userRow = z.object({
  id: z.guid(),
  tenant_id: z.guid(),
  email: z.string(),
  role: z.enum(ROLES),
  created_at: z.date(),
});
export type User = z.infer<typeof userRow>;

/** password_hash is null for a user who signs in by SSO only; sso_required is the tenant's setting. */
const credentialsRow = userRow.extend({ password_hash: z.string().nullable(), sso_required: z.boolean() });
export type UserCredentials = z.infer<typeof credentialsRow>;

const USER_COLUMNS = sql.fragment`id, tenant_id, email, role, created_at`;

/**
 * The tenant an email belongs to, across tenants: the one question login must answer before it
 * can open a tenant transaction. Goes through the narrow SECURITY DEFINER function of the
 * migration, so the app role never reads users outside RLS.
 */
export async function tenantIdForEmail(db: Db, email: string): Promise<string | null> {
  return db.oneFirst(sql.type(z.object({ tenant_id: z.guid().nullable() }))`
    SELECT auth_tenant_for_email(${email}) AS tenant_id`);
}

/** In the user's tenant transaction. */
export async function findCredentialsByEmail(db: Db, email: string): Promise<UserCredentials | null> {
  return db.maybeOne(sql.type(credentialsRow)`
    SELECT u.id, u.tenant_id, u.email, u.role, u.created_at, u.password_hash, t.sso_required
      FROM users u JOIN tenants t ON t.id = u.tenant_id
     WHERE lower(u.email) = lower(${email})`);
}

export async function insertUser(
  db: Db,
  user: { tenantId: string; email: string; passwordHash: string | null; role: Role },
): Promise<User> {
  return db.one(sql.type(userRow)`
    INSERT INTO users (tenant_id, email, password_hash, role)
    VALUES (${user.tenantId}, ${user.email}, ${user.passwordHash}, ${user.role})
    RETURNING ${USER_COLUMNS}`);
}

export async function findUser(db: Db, id: string): Promise<User | null> {
  return db.maybeOne(sql.type(userRow)`SELECT ${USER_COLUMNS} FROM users WHERE id = ${id}`);
}

/** Oldest first, keyset-paginated on (created_at, id). */
export async function listUsers(
  db: Db,
  page: { limit: number; after?: { createdAt: string; id: string } },
): Promise<readonly (User & { cursor_at: string })[]> {
  const after = page.after
    ? sql.fragment`WHERE (created_at, id) > (${page.after.createdAt}::timestamptz, ${page.after.id}::uuid)`
    : sql.fragment``;
  return db.any(sql.type(userRow.extend({ cursor_at: z.string() }))`
    SELECT ${USER_COLUMNS}, ${cursorAt('created_at')} AS cursor_at
      FROM users ${after}
     ORDER BY created_at, id
     LIMIT ${page.limit + 1}`);
}

/** Where owner alerts go: the tenant's owners' addresses, oldest account first. */
export async function listOwnerEmails(db: Db): Promise<string[]> {
  const rows = await db.anyFirst(sql.type(z.object({ email: z.string() }))`
    SELECT email FROM users WHERE role = 'owner' ORDER BY created_at, id`);
  return [...rows];
}

/** The tenant of the newest pending invitation for an email (across tenants, like tenantIdForEmail). */
export async function tenantIdForInvitedEmail(db: Db, email: string): Promise<string | null> {
  return db.oneFirst(sql.type(z.object({ tenant_id: z.guid().nullable() }))`
    SELECT auth_tenant_for_invited_email(${email}) AS tenant_id`);
}

/** Deletes the user; their refresh tokens go with them (ON DELETE CASCADE), so none works again. */
export async function deleteUser(db: Db, id: string): Promise<boolean> {
  const result = await db.query(sql.typeAlias('void')`DELETE FROM users WHERE id = ${id}`);
  return result.rowCount === 1;
}

export async function countOwners(db: Db): Promise<number> {
  return db.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM users WHERE role = 'owner'`);
}
