// The client's self-service links. The link itself is an HS256 JWT (its own audience) carrying the
// tenant, the booking, an expiry and a jti; this table holds one row per jti, which is what lets a
// link be revoked before it expires. A link whose row is missing, revoked or past its expiry is
// answered like a forged one (404).
import { z } from 'zod';
import { sql, type Db } from './sql';

export const bookingLinkRow = z.object({
  jti: z.string(),
  tenantId: z.string(),
  bookingId: z.string(),
  expiresAt: z.coerce.date(),
  revokedAt: z.coerce.date().nullable(),
  createdAt: z.coerce.date(),
});
export type BookingLink = z.infer<typeof bookingLinkRow>;

const columns = sql.fragment`jti, tenant_id AS "tenantId", booking_id AS "bookingId", expires_at AS "expiresAt", revoked_at AS "revokedAt", created_at AS "createdAt"`;

export async function insertBookingLink(
  db: Db,
  link: { jti: string; tenantId: string; bookingId: string; expiresAt: Date },
): Promise<BookingLink> {
  return db.one(sql.type(bookingLinkRow)`
    INSERT INTO booking_links (jti, tenant_id, booking_id, expires_at)
    VALUES (${link.jti}, ${link.tenantId}, ${link.bookingId}, ${link.expiresAt.toISOString()})
    RETURNING ${columns}`);
}

/**
 * The link of this jti, made on first use: a retried send finds the row (and the expiry) its
 * first attempt stored, so it signs to the same token.
 */
export async function ensureBookingLink(
  db: Db,
  link: { jti: string; tenantId: string; bookingId: string; expiresAt: Date },
): Promise<BookingLink> {
  await db.query(sql.typeAlias('void')`
    INSERT INTO booking_links (jti, tenant_id, booking_id, expires_at)
    VALUES (${link.jti}, ${link.tenantId}, ${link.bookingId}, ${link.expiresAt.toISOString()})
    ON CONFLICT (jti) DO NOTHING`);
  return db.one(sql.type(bookingLinkRow)`SELECT ${columns} FROM booking_links WHERE jti = ${link.jti}`);
}

/** The link of this jti and booking when it still works: not revoked, not expired. */
export async function findLiveBookingLink(db: Db, jti: string, bookingId: string): Promise<BookingLink | null> {
  return db.maybeOne(sql.type(bookingLinkRow)`
    SELECT ${columns} FROM booking_links
     WHERE jti = ${jti} AND booking_id = ${bookingId} AND revoked_at IS NULL AND expires_at > now()`);
}

/** Every live link of a booking stops working; answers how many did. */
export async function revokeBookingLinks(db: Db, bookingId: string): Promise<number> {
  const result = await db.query(sql.typeAlias('void')`
    UPDATE booking_links SET revoked_at = now() WHERE booking_id = ${bookingId} AND revoked_at IS NULL`);
  return result.rowCount;
}

/** This one link stops working (it was spent: it moved its booking). */
export async function revokeBookingLink(db: Db, jti: string): Promise<boolean> {
  const result = await db.query(
    sql.typeAlias('void')`UPDATE booking_links SET revoked_at = now() WHERE jti = ${jti} AND revoked_at IS NULL`,
  );
  return result.rowCount === 1;
}
