// Access tokens: HS256 JWTs signed with JWT_SECRET_KEY, 15 minutes, carrying the user (sub), the
// tenant (tid) and the role. Verification pins the algorithm, issuer and audience, so `alg: none`,
// another key, another service's token or an expired one all fail the same way.
import { createSecretKey, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Config } from '../../config';
import { ROLES, type Role } from '../../domain/roles';
import { UnauthorizedError } from '../../errors';

export interface Principal {
  userId: string;
  tenantId: string;
  role: Role;
}

const ALGORITHM = 'HS256';

const claims = z.object({
  sub: z.guid(),
  tid: z.guid(),
  role: z.enum(ROLES),
});

type AuthConfig = Config['auth'];

// One KeyObject per secret: jose imports a raw Uint8Array key again on every sign and verify,
// which was a measurable part of each authenticated request.
const keys = new WeakMap<AuthConfig, KeyObject>();
function keyOf(auth: AuthConfig): KeyObject {
  let key = keys.get(auth);
  if (!key) {
    key = createSecretKey(Buffer.from(auth.jwtSecret, 'utf8'));
    keys.set(auth, key);
  }
  return key;
}

export async function signAccessToken(auth: AuthConfig, principal: Principal): Promise<string> {
  return new SignJWT({ tid: principal.tenantId, role: principal.role })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(principal.userId)
    .setIssuer(auth.jwtIssuer)
    .setAudience(auth.jwtAudience)
    .setIssuedAt()
    .setExpirationTime(`${auth.accessTokenTtlSeconds}s`)
    .sign(keyOf(auth));
}

/**
 * Tokens this process has verified, until they expire. An access token is stateless (nothing
 * revokes one before its `exp`), so a token verified once is valid, for the same key, issuer and
 * audience, until then; each client sends the same token for up to 15 minutes, and WebCrypto's
 * HMAC verify (a job on libuv's thread pool) was the largest single cost of a signed-in read.
 * Bounded, least recently used first out; one cache per auth config, so a new key starts empty.
 */
const VERIFIED_TOKENS_MAX = 10_000;
const verified = new WeakMap<AuthConfig, LRUCache<string, Principal>>();
function verifiedTokens(auth: AuthConfig): LRUCache<string, Principal> {
  let cache = verified.get(auth);
  if (!cache) {
    // ttl per entry from the token's exp; ttlAutopurge off: an expired entry is dropped when read.
    cache = new LRUCache<string, Principal>({ max: VERIFIED_TOKENS_MAX, ttl: auth.accessTokenTtlSeconds * 1000 });
    verified.set(auth, cache);
  }
  return cache;
}

export async function verifyAccessToken(auth: AuthConfig, token: string): Promise<Principal> {
  const cache = verifiedTokens(auth);
  const known = cache.get(token);
  if (known) return known;
  return verifyWithJose(auth, token);
}

async function verifyWithJose(auth: AuthConfig, token: string): Promise<Principal> {
  try {
    const { payload } = await jwtVerify(token, keyOf(auth), {
      algorithms: [ALGORITHM],
      issuer: auth.jwtIssuer,
      audience: auth.jwtAudience,
      requiredClaims: ['exp', 'sub'],
    });
    const parsed = claims.parse(payload);
    const principal: Principal = { userId: parsed.sub, tenantId: parsed.tid, role: parsed.role };
    const msLeft = (payload.exp as number) * 1000 - Date.now();
    if (msLeft > 0) verifiedTokens(auth).set(token, principal, { ttl: msLeft });
    return principal;
  } catch (err) {
    const expired = err instanceof joseErrors.JWTExpired;
    throw new UnauthorizedError(expired ? 'The access token has expired' : 'The access token is not valid', {
      cause: err,
    });
  }
}
