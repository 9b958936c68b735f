// The `state` of a Gmail connect link: a short-lived HS256 JWT binding the consent to the tenant
// and user who asked for it, with a nonce the callback redeems once (db/gmail-oauth-states.ts).
// Its own audience keeps it apart from access tokens signed with the same key: neither passes
// for the other.
import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { Config } from '../../../config';
import { ValidationError } from '../../../errors';

const ALGORITHM = 'HS256';
export const CONNECT_STATE_AUDIENCE = 'frontdesk-gmail-connect';
/** Long enough to pick an account and read the consent screen. */
export const CONNECT_STATE_TTL_SECONDS = 10 * 60;

export interface ConnectState {
  tenantId: string;
  userId: string;
  nonce: string;
  expiresAt: Date;
}

const claims = z.object({ sub: z.guid(), tid: z.guid(), jti: z.string().min(16), exp: z.number() });

const keyOf = (auth: Config['auth']) => new TextEncoder().encode(auth.jwtSecret);

export async function signConnectState(
  auth: Config['auth'],
  who: { tenantId: string; userId: string },
): Promise<string> {
  return new SignJWT({ tid: who.tenantId })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(who.userId)
    .setIssuer(auth.jwtIssuer)
    .setAudience(CONNECT_STATE_AUDIENCE)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${CONNECT_STATE_TTL_SECONDS}s`)
    .sign(keyOf(auth));
}

/** The state's tenant, user and nonce; a 422 naming `state` when it is not one of ours or expired. */
export async function verifyConnectState(auth: Config['auth'], state: string): Promise<ConnectState> {
  try {
    const { payload } = await jwtVerify(state, keyOf(auth), {
      algorithms: [ALGORITHM],
      issuer: auth.jwtIssuer,
      audience: CONNECT_STATE_AUDIENCE,
    });
    const parsed = claims.parse(payload);
    return { tenantId: parsed.tid, userId: parsed.sub, nonce: parsed.jti, expiresAt: new Date(parsed.exp * 1000) };
  } catch (err) {
    const message =
      err instanceof joseErrors.JWTExpired
        ? 'has expired: start again from GET /api/gmail/connect'
        : 'is not a connect state this API issued';
    throw new ValidationError([{ path: 'state', message }], 'The connect link is not valid');
  }
}
