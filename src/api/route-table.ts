// Every route the app mounts, found by walking its middleware for @koa/router dispatchers.
// The OpenAPI document and the tenant-isolation test both read it, so a router added in app.ts
// is documented and isolation-tested without being listed anywhere else.
import type Router from '@koa/router';
import { docOfLayer, type RouteDoc } from './openapi/route-docs';

export interface RouteInfo {
  method: string;
  /** Koa style: /api/clients/:id */
  path: string;
  /** OpenAPI style: /api/clients/{id} */
  openapiPath: string;
  paramNames: string[];
  doc?: RouteDoc;
}

type Dispatcher = ((...args: unknown[]) => unknown) & { router?: Router<unknown, unknown> };

/** Any Koa application (only its middleware list is read). */
export interface MountedApp {
  middleware: readonly unknown[];
}

export function listRoutes(app: MountedApp): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const middleware of app.middleware as readonly Dispatcher[]) {
    const router = middleware.router;
    if (!router) continue;
    for (const layer of router.stack) {
      if (typeof layer.path !== 'string') continue;
      const doc = docOfLayer(layer);
      for (const method of layer.methods) {
        if (method === 'HEAD') continue; // @koa/router adds HEAD beside every GET
        routes.push({
          method,
          path: layer.path,
          openapiPath: layer.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
          paramNames: layer.paramNames.map((k) => String(k.name)),
          ...(doc ? { doc } : {}),
        });
      }
    }
  }
  return routes;
}
