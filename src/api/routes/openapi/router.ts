// GET /api/openapi.json: the document, built once per app from the routes it mounts.
import Router from '@koa/router';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { buildOpenApiDocument } from '../../openapi/document';
import { z } from '../../openapi/zod';

const documents = new WeakMap<object, unknown>();

export function openapiRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api' });
  const endpoint = endpointsFor(router, deps, 'Docs');

  endpoint({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI 3.1 document',
    access: 'public',
    responses: { 200: { description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) } },
    async handler({ ctx }) {
      let document = documents.get(ctx.app);
      if (!document) {
        document = buildOpenApiDocument(ctx.app, deps.config);
        documents.set(ctx.app, document);
      }
      return { status: 200, body: document, headers: { 'Cache-Control': 'no-cache' } };
    },
  });

  return router;
}
