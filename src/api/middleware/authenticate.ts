// `Authorization: Bearer <access token>` → ctx.state.auth, or 401. Nothing about the tenant is
// read before the token is verified.
import type { Next } from 'koa';
import type { Config } from '../../config';
import { UnauthorizedError } from '../../errors';
import { verifyAccessToken } from '../auth/access-token';
import type { AppContext } from '../context';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

export function authenticate(auth: Config['auth']) {
  return async function authenticateMiddleware(ctx: AppContext, next: Next): Promise<void> {
    const header = ctx.get('Authorization');
    const token = BEARER.exec(header)?.[1];
    if (!token) {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedError(
        header
          ? 'The Authorization header must be "Bearer <access token>"'
          : 'Send an access token: Authorization: Bearer <token>',
      );
    }
    try {
      ctx.state.auth = await verifyAccessToken(auth, token);
    } catch (err) {
      ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw err;
    }
    return next();
  };
}
