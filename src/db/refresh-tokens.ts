import { z } from 'zod';
import { sql, type Db } from './sql';

const refreshTokenRow = z.object({
  id: z.guid(),
  tenantId: z.guid(),
  userId: z.guid(),
  familyId: z.guid(),
  expiresAt: z.date(),
  spentAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
export type RefreshTokenRecord = z.infer<typeof refreshTokenRow>;

const COLUMNS = sql.fragment`id, tenant_id AS "tenantId", user_id AS "userId", family_id AS "familyId", expires_at AS "expiresAt",
  spent_at AS "spentAt", revoked_at AS "revokedAt"`;

export async function insertRefreshToken(
  db: Db,
  token: { tenantId: string; userId: string; familyId: string; tokenHash: string; expiresAt: Date },
): Promise<RefreshTokenRecord> {
  return db.one(sql.type(refreshTokenRow)`
    INSERT INTO refresh_tokens (tenant_id, user_id, family_id, token_hash, expires_at)
    VALUES (${token.tenantId}, ${token.userId}, ${token.familyId}, ${token.tokenHash}, ${sql.timestamp(token.expiresAt)})
    RETURNING ${COLUMNS}`);
}

/** Locks the row: two refreshes racing with one token are decided one after the other. */
export async function findRefreshTokenForUpdate(db: Db, tokenHash: string): Promise<RefreshTokenRecord | null> {
  return db.maybeOne(sql.type(refreshTokenRow)`
    SELECT ${COLUMNS} FROM refresh_tokens WHERE token_hash = ${tokenHash} FOR UPDATE`);
}

export async function markRefreshTokenSpent(db: Db, id: string): Promise<void> {
  await db.query(sql.typeAlias('void')`UPDATE refresh_tokens SET spent_at = now() WHERE id = ${id}`);
}

/** Revokes every token of the family that is not revoked yet; answers how many. */
export async function revokeRefreshTokenFamily(db: Db, familyId: string): Promise<number> {
  const result = await db.query(sql.typeAlias('void')`
    UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = ${familyId} AND revoked_at IS NULL`);
  return result.rowCount;
}
