// Invitations to join a tenant: an email and a role, a single-use link (only its SHA-256 kept)
// that expires. Pending = not accepted, not revoked, not expired.
import { z } from 'zod';
import { ROLES, type Role } from '../domain/roles';
import { cursorAt } from './keyset-cursor';
import { sql, type Db } from './sql';

export const invitationRow = z.object({
  id: z.guid(),
  tenantId: z.guid(),
  email: z.string(),
  role: z.enum(ROLES),
  invitedBy: z.guid().nullable(),
  createdAt: z.date(),
  expiresAt: z.date(),
  acceptedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
export type Invitation = z.infer<typeof invitationRow>;

const COLUMNS = sql.fragment`id, tenant_id AS "tenantId", email, role, invited_by AS "invitedBy", created_at AS "createdAt",
  expires_at AS "expiresAt", accepted_at AS "acceptedAt", revoked_at AS "revokedAt"`;
const PENDING = sql.fragment`accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()`;

/** A new invitation replaces the email's pending ones (only the newest link works). */
export async function insertInvitation(
  db: Db,
  invite: { tenantId: string; email: string; role: Role; tokenHash: string; invitedBy: string; expiresAt: Date },
): Promise<Invitation> {
  await db.query(
    sql.typeAlias(
      'void',
    )`UPDATE invitations SET revoked_at = now() WHERE lower(email) = lower(${invite.email}) AND ${PENDING}`,
  );
  return db.one(sql.type(invitationRow)`
    INSERT INTO invitations (tenant_id, email, role, token_hash, invited_by, expires_at)
    VALUES (${invite.tenantId}, ${invite.email}, ${invite.role}, ${invite.tokenHash}, ${invite.invitedBy}, ${sql.timestamp(invite.expiresAt)})
    RETURNING ${COLUMNS}`);
}

/** The pending invitation of a link, locked: two accepts of one link are decided one after the other. */
export async function findPendingInvitationByTokenForUpdate(db: Db, tokenHash: string): Promise<Invitation | null> {
  return db.maybeOne(sql.type(invitationRow)`
    SELECT ${COLUMNS} FROM invitations WHERE token_hash = ${tokenHash} AND ${PENDING} FOR UPDATE`);
}

/** The newest pending invitation for an email, locked (acceptance by SSO). */
export async function findPendingInvitationByEmailForUpdate(db: Db, email: string): Promise<Invitation | null> {
  return db.maybeOne(sql.type(invitationRow)`
    SELECT ${COLUMNS} FROM invitations WHERE lower(email) = lower(${email}) AND ${PENDING}
     ORDER BY created_at DESC LIMIT 1 FOR UPDATE`);
}

export async function markInvitationAccepted(db: Db, id: string, userId: string): Promise<void> {
  await db.query(
    sql.typeAlias('void')`UPDATE invitations SET accepted_at = now(), accepted_user_id = ${userId} WHERE id = ${id}`,
  );
}

/** true when a pending invitation was revoked; false when none (unknown, or no longer pending). */
export async function revokeInvitation(db: Db, id: string): Promise<boolean> {
  const result = await db.query(
    sql.typeAlias('void')`UPDATE invitations SET revoked_at = now() WHERE id = ${id} AND ${PENDING}`,
  );
  return result.rowCount === 1;
}

export async function findInvitation(db: Db, id: string): Promise<Invitation | null> {
  return db.maybeOne(sql.type(invitationRow)`SELECT ${COLUMNS} FROM invitations WHERE id = ${id}`);
}

const invitationPageRow = invitationRow.extend({ cursorKey: z.string() });

/** Oldest first, keyset-paginated on (created_at, id). */
export async function listInvitations(
  db: Db,
  page: { limit: number; after?: { createdAt: string; id: string } },
): Promise<readonly (Invitation & { cursorKey: string })[]> {
  const after = page.after
    ? sql.fragment`WHERE (created_at, id) > (${page.after.createdAt}::timestamptz, ${page.after.id}::uuid)`
    : sql.fragment``;
  return db.any(sql.type(invitationPageRow)`
    SELECT ${COLUMNS}, ${cursorAt('created_at')} AS "cursorKey"
      FROM invitations ${after}
     ORDER BY created_at, id
     LIMIT ${page.limit}`);
}
