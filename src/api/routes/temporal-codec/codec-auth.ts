// Who is calling the codec: a bearer access token (scripts, the temporal CLI's --codec-auth), or
// the codec session cookie (the Temporal UI). A session lives for hours, so its user is looked up
// again on every call: a removed user, or one demoted below admin, loses it at once. In the dev
// stack only (TEMPORAL_CODEC_LOCAL_DEV, refused in production), a call with neither from this
// machine is the developer at the local UI, which cannot send credentials on its own.
import type { Next } from 'koa';
import type { DatabasePool } from 'slonik';
import type { Config } from '../../../config';
import { findUser } from '../../../db/users';
import { withTenant } from '../../../db/tenant-transaction';
import { UnauthorizedError } from '../../../errors';
import { verifyAccessToken, type Principal } from '../../auth/access-token';
import type { AppContext } from '../../context';
import { CODEC_SESSION_COOKIE, verifyCodecToken } from './codec-session';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/**
 * The developer at the dev stack's own Temporal UI (TEMPORAL_CODEC_LOCAL_DEV): an owner of no
 * business, so nothing but the codec routes' local-developer branch can use it.
 */
const LOCAL_DEVELOPER: Principal = {
  userId: 'local-developer',
  tenantId: '00000000-0000-0000-0000-000000000000',
  role: 'owner',
};

const isLoopback = (ip: string) => ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';

async function currentUser(pool: DatabasePool, session: Principal): Promise<Principal> {
  const user = await withTenant(pool, session.tenantId, (db) => findUser(db, session.userId));
  if (!user) throw new UnauthorizedError('The codec session is not valid or has expired: sign in again');
  return { userId: user.id, tenantId: user.tenantId, role: user.role };
}

async function principalOf(ctx: AppContext, deps: { config: Config; pool: DatabasePool }): Promise<Principal> {
  const bearer = BEARER.exec(ctx.get('Authorization'))?.[1];
  const cookie = ctx.cookies.get(CODEC_SESSION_COOKIE);
  if (bearer) {
    try {
      return await verifyAccessToken(deps.config.auth, bearer);
    } catch (err) {
      // The UI's "pass access token" sends its own login token; a session cookie beside it still counts.
      if (!cookie) throw err;
    }
  }
  if (!cookie) {
    if (deps.config.temporal.codecLocalDev && isLoopback(ctx.ip)) {
      ctx.state.codecLocalDeveloper = true;
      return LOCAL_DEVELOPER;
    }
    throw new UnauthorizedError(
      'Send an access token (Authorization: Bearer <token>), or sign in for the Temporal UI through POST /api/temporal/codec/session',
    );
  }
  return currentUser(deps.pool, await verifyCodecToken(deps.config.auth, 'session', cookie));
}

export function codecAuthenticate(deps: { config: Config; pool: DatabasePool }) {
  return async function codecAuthenticateMiddleware(ctx: AppContext, next: Next): Promise<void> {
    try {
      ctx.state.auth = await principalOf(ctx, deps);
    } catch (err) {
      if (err instanceof UnauthorizedError) ctx.set('WWW-Authenticate', 'Bearer');
      throw err;
    }
    return next();
  };
}
