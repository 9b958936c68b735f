import { z } from 'zod';
import { ROLES, type Role } from '../domain/roles';
import { cursorAt } from './keyset-cursor';
import { sql, type Db } from './sql';

export const userRow = z.object({
  id: z.guid(),
  tenantId: z.guid(),
  email: z.string(),
  role: z.enum(ROLES),
  createdAt: z.date(),
});
export type User = z.infer<typeof userRow>;

/** passwordHash is null for a user who signs in by SSO only; ssoRequired is the tenant's setting. */
const credentialsRow = userRow.extend({ passwordHash: z.string().nullable(), ssoRequired: z.boolean() });
export type UserCredentials = z.infer<typeof credentialsRow>;

const USER_COLUMNS = sql.fragment`id, tenant_id AS "tenantId", email, role, created_at AS "createdAt"`;

const tenantIdRow = z.object({ tenant_id: z.guid().nullable() });

/**
 * The tenant an email belongs to, across tenants: the one question login must answer before it
 * can open a tenant transaction. Goes through the narrow SECURITY DEFINER function of the
 * migration, so the app role never reads users outside RLS.
 */
export async function tenantIdForEmail(db: Db, email: string): Promise<string | null> {
  return db.oneFirst(sql.type(tenantIdRow)`
    SELECT auth_tenant_for_email(${email}) AS tenant_id`);
}

/** In the user's tenant transaction. */
export async function findCredentialsByEmail(db: Db, email: string): Promise<UserCredentials | null> {
  return db.maybeOne(sql.type(credentialsRow)`
    SELECT u.id, u.tenant_id AS "tenantId", u.email, u.role, u.created_at AS "createdAt", u.password_hash AS "passwordHash",
           t.sso_required AS "ssoRequired"
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

const userPageRow = userRow.extend({ cursorKey: z.string() });

/** Oldest first, keyset-paginated on (created_at, id). */
export async function listUsers(
  db: Db,
  page: { limit: number; after?: { createdAt: string; id: string } },
): Promise<readonly (User & { cursorKey: string })[]> {
  const after = page.after
    ? sql.fragment`WHERE (created_at, id) > (${page.after.createdAt}::timestamptz, ${page.after.id}::uuid)`
    : sql.fragment``;
  return db.any(sql.type(userPageRow)`
    SELECT ${USER_COLUMNS}, ${cursorAt('created_at')} AS "cursorKey"
      FROM users ${after}
     ORDER BY created_at, id
     LIMIT ${page.limit}`);
}

const emailRow = z.object({ email: z.string() });

/** Where owner alerts go: the tenant's owners' addresses, oldest account first. */
export async function listOwnerEmails(db: Db): Promise<string[]> {
  const rows = await db.anyFirst(sql.type(emailRow)`
    SELECT email FROM users WHERE role = 'owner' ORDER BY created_at, id`);
  return [...rows];
}

/** The tenant of the newest pending invitation for an email (across tenants, like tenantIdForEmail). */
export async function tenantIdForInvitedEmail(db: Db, email: string): Promise<string | null> {
  return db.oneFirst(sql.type(tenantIdRow)`
    SELECT auth_tenant_for_invited_email(${email}) AS tenant_id`);
}

/** Deletes the user; their refresh tokens go with them (ON DELETE CASCADE), so none works again. */
export async function deleteUser(db: Db, id: string): Promise<boolean> {
  const result = await db.query(sql.typeAlias('void')`DELETE FROM users WHERE id = ${id}`);
  return result.rowCount === 1;
}

const nRow = z.object({ n: z.number() });

export async function countOwners(db: Db): Promise<number> {
  return db.oneFirst(sql.type(nRow)`SELECT count(*)::int AS n FROM users WHERE role = 'owner'`);
}
