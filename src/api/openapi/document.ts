// The OpenAPI 3.1 document, generated from the routes the app mounts: each route declared with
// endpointsFor() brings its zod schemas (the same ones that validate requests and check
// responses); a plain route still appears, with its path, method and parameters.
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Config } from '../../config';
import { listRoutes, type MountedApp, type RouteInfo } from '../route-table';
import { problemSchema } from './common';
import type { RouteDoc } from './route-docs';
import { z } from './zod';

type Method = RouteConfig['method'];

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });

const idempotencyKeyHeader = z.object({
  'Idempotency-Key': z
    .string()
    .max(255)
    .optional()
    .openapi({ description: 'Repeat a create safely: the same key and body replay the first response; the same key with another body is 409.' }),
});

function documentedRoute(route: RouteInfo, doc: RouteDoc): RouteConfig {
  const signedIn = doc.access !== 'public';
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(doc.responses)) {
    responses[status] = r.schema ? { description: r.description, content: { 'application/json': { schema: r.schema } } } : { description: r.description };
  }
  if (doc.body) responses['400'] = problem('Malformed JSON');
  if (signedIn) responses['401'] = problem('No token, or an expired or invalid one');
  if (signedIn && doc.access !== 'staff') responses['403'] = problem(`Needs the ${doc.access} role or above`);
  if (route.paramNames.length > 0) responses['404'] = problem('Unknown id, or one of another business');
  if (doc.idempotent) responses['409'] = problem('Idempotency-Key reused with another request');
  if (doc.body) {
    responses['413'] = problem('Body too large');
    responses['415'] = problem('Body is not JSON');
  }
  if (doc.body || doc.query || doc.params) responses['422'] = problem('Fields that break the schema, each named in errors[]');
  responses['429'] = problem('Rate limited; see Retry-After');

  const request: NonNullable<RouteConfig['request']> = {};
  if (doc.params) request.params = doc.params as never;
  if (doc.query) request.query = doc.query as never;
  if (doc.body) request.body = { required: true, content: { 'application/json': { schema: doc.body } } };
  if (doc.idempotent) request.headers = idempotencyKeyHeader;

  return {
    method: route.method.toLowerCase() as Method,
    path: route.openapiPath,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags,
    security: signedIn ? [{ bearerAuth: [] }] : [],
    request,
    responses,
  };
}

const capitalized = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

function plainRoute(route: RouteInfo): RouteConfig {
  const params = route.paramNames.length
    ? z.object(Object.fromEntries(route.paramNames.map((name) => [name, z.string()])))
    : undefined;
  return {
    method: route.method.toLowerCase() as Method,
    path: route.openapiPath,
    summary: `${route.method} ${route.path}`,
    tags: [capitalized(route.path.split('/')[2] ?? 'other')],
    ...(params ? { request: { params } } : {}),
    responses: { default: { description: 'See the HTTP contract' } },
  };
}

export function buildOpenApiDocument(app: MountedApp, config: Config) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token from /api/auth/login, /register or /refresh',
  });
  registry.register('Problem', problemSchema);
  for (const route of listRoutes(app)) {
    if (route.doc?.hidden) continue;
    registry.registerPath(route.doc ? documentedRoute(route, route.doc) : plainRoute(route));
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Frontdesk API',
      version: config.version,
      description:
        'JSON in and out. Errors are application/problem+json. Lists take ?limit (1-100) and ?cursor and answer { items, nextCursor }. ' +
        'Signed-in routes take `Authorization: Bearer <access token>` (from /api/auth/login, /register or /refresh).',
    },
  });
}
