// Signing in the Temporal UI to the codec endpoint. The UI cannot send our bearer token (its "pass
// access token" option sends the UI's own login token); what it can do is send the browser's
// cookies for the codec's origin ("Include cross-origin credentials"). So an admin asks for a
// sign-in link with their access token, opens it in the browser they use the UI in, and gets a
// codec-only session cookie. Two kinds of token, each good for one thing only (its own audience):
//   ticket   in the sign-in link, 2 minutes: it can only be exchanged for the cookie;
//   session  the cookie, 8 hours: it can only call the codec routes (never the rest of the API).
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { Config } from '../../../config';
import { ROLES } from '../../../domain/roles';
import { UnauthorizedError } from '../../../errors';
import type { Principal } from '../../auth/access-token';

export const CODEC_SESSION_COOKIE = 'frontdesk_codec_session';
export const CODEC_SESSION_TTL_SECONDS = 8 * 60 * 60;
export const CODEC_TICKET_TTL_SECONDS = 2 * 60;

type Kind = 'ticket' | 'session';
const AUDIENCE: Record<Kind, string> = { ticket: 'frontdesk-codec-sign-in', session: 'frontdesk-codec' };
const TTL: Record<Kind, number> = { ticket: CODEC_TICKET_TTL_SECONDS, session: CODEC_SESSION_TTL_SECONDS };
const ALGORITHM = 'HS256';

const claims = z.object({ sub: z.guid(), tid: z.guid(), role: z.enum(ROLES) });

const keyOf = (auth: Config['auth']) => new TextEncoder().encode(auth.jwtSecret);

export async function signCodecToken(
  auth: Config['auth'],
  kind: Kind,
  principal: Principal,
): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + TTL[kind] * 1000);
  const token = await new SignJWT({ tid: principal.tenantId, role: principal.role })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(principal.userId)
    .setIssuer(auth.jwtIssuer)
    .setAudience(AUDIENCE[kind])
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(keyOf(auth));
  return { token, expiresAt };
}

export async function verifyCodecToken(auth: Config['auth'], kind: Kind, token: string): Promise<Principal> {
  try {
    const { payload } = await jwtVerify(token, keyOf(auth), {
      algorithms: [ALGORITHM],
      issuer: auth.jwtIssuer,
      audience: AUDIENCE[kind],
      requiredClaims: ['exp', 'sub'],
    });
    const parsed = claims.parse(payload);
    return { userId: parsed.sub, tenantId: parsed.tid, role: parsed.role };
  } catch (err) {
    throw new UnauthorizedError(
      kind === 'ticket'
        ? 'The sign-in link is not valid or has expired: ask for a new one'
        : 'The codec session is not valid or has expired: sign in again',
      { cause: err },
    );
  }
}
