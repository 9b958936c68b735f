// Refresh tokens are opaque: `<tenant id>.<256 random bits>`. The tenant id tells the API which
// tenant transaction to look in (it is no secret: access tokens carry it too); only a SHA-256 of
// the whole token is stored.
import { createHash, randomBytes } from 'node:crypto';

const SHAPE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[A-Za-z0-9_-]{43}$/;

export function generateRefreshToken(tenantId: string): string {
  return `${tenantId}.${randomBytes(32).toString('base64url')}`;
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The tenant a well-formed token names, or null for anything else. */
export function tenantOfRefreshToken(token: string): string | null {
  return SHAPE.exec(token)?.[1] ?? null;
}
