import type { Next } from 'koa';
import { roleAtLeast, type Role } from '../../domain/roles';
import { ForbiddenError } from '../../errors';
import type { AppContext } from '../context';

/** 403 unless the caller's role is `minimum` or above (owner > admin > staff); after authenticate. */
export function requireRole(minimum: Role) {
  return async function requireRoleMiddleware(ctx: AppContext, next: Next): Promise<void> {
    const auth = ctx.state.auth;
    if (!auth) throw new Error('requireRole runs after authenticate');
    if (!roleAtLeast(auth.role, minimum)) throw new ForbiddenError(`This needs the ${minimum} role or above`);
    return next();
  };
}
