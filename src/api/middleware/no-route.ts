// Last in the chain: nothing answered. A path some route serves under another method is a 405
// naming the methods it takes (RFC 9110 asks for `Allow`), and OPTIONS on it lists them; any
// other path is a 404.
import type Router from '@koa/router';
import type { Next } from 'koa';
import { MethodNotAllowedError, NotFoundError } from '../../errors';
import type { AppContext, AppState } from '../context';

export function noRoute(routers: readonly Router<AppState>[]) {
  return async function noRouteMiddleware(ctx: AppContext, _next: Next): Promise<void> {
    const allowed = new Set<string>();
    for (const router of routers) {
      for (const layer of router.match(ctx.path, ctx.method).path) for (const method of layer.methods) allowed.add(method);
    }
    if (allowed.size === 0) throw new NotFoundError(`No route for ${ctx.method} ${ctx.path}`);
    const allow = [...allowed, 'OPTIONS'].join(', ');
    ctx.set('Allow', allow);
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      return;
    }
    throw new MethodNotAllowedError(`${ctx.method} is not allowed on ${ctx.path}; use ${allow}`);
  };
}
