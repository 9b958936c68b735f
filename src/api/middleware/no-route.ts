// Last in the chain: nothing answered. A path some route serves under another method is a 405
// naming the methods it takes (RFC 9110 asks for `Allow`), and OPTIONS on it lists them; any
// other path is a 404. A route whose path parameter cannot be what the path holds (GET
// /api/emails/:id for /api/emails/retry-failed) does not count: its method is not one the path
// takes. When only such a route has the request's method, the answer is its 422 naming the
// parameter (GET /api/clients/not-an-id).
import type Router from '@koa/router';
import type { Next } from 'koa';
import { MethodNotAllowedError, NotFoundError, ValidationError } from '../../errors';
import type { AppContext, AppState } from '../context';
import { docOfLayer } from '../openapi/route-docs';
import { paramProblems } from './validate';

type Layer = Router<AppState>['stack'][number];

function paramsProblems(layer: Layer, path: string) {
  const schema = docOfLayer(layer)?.params;
  return schema ? paramProblems(schema, layer.params(path, layer.captures(path))) : [];
}

export function noRoute(routers: readonly Router<AppState>[]) {
  return async function noRouteMiddleware(ctx: AppContext, _next: Next): Promise<void> {
    const allowed = new Set<string>();
    let misfit: ReturnType<typeof paramsProblems> | undefined;
    for (const router of routers) {
      for (const layer of router.match(ctx.path, ctx.method).path) {
        const problems = paramsProblems(layer, ctx.path);
        if (problems.length === 0) for (const method of layer.methods) allowed.add(method);
        else if (layer.methods.includes(ctx.method)) misfit ??= problems;
      }
    }
    if (allowed.size === 0) {
      if (misfit) throw new ValidationError(misfit);
      throw new NotFoundError(`No route for ${ctx.method} ${ctx.path}`);
    }
    const allow = [...allowed, 'OPTIONS'].join(', ');
    ctx.set('Allow', allow);
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      return;
    }
    throw new MethodNotAllowedError(`${ctx.method} is not allowed on ${ctx.path}; use ${allow}`);
  };
}
