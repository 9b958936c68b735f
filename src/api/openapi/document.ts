// The OpenAPI 3.1 document, generated from the routes the app mounts: each route declared with
// endpointsFor() brings its zod schemas (the same ones that validate requests and check
// responses), its own error statuses and how a caller authenticates; the statuses its middleware
// may answer (auth, validation, limits, an outage) are added from the same facts that mount it.
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Config } from '../../config';
import { listRoutes, type MountedApp, type RouteInfo } from '../route-table';
import { problemSchema } from './common';
import type { RouteDoc, RouteSecurity } from './route-docs';
import { limitedPerIp } from '../rate-limit/per-ip-paths';
import { CODEC_SESSION_COOKIE } from '../routes/temporal-codec/codec-session';
import { z } from './zod';

type Method = RouteConfig['method'];

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});

const idempotencyKeyHeader = z.object({
  'Idempotency-Key': z.string().max(255).optional().openapi({
    description:
      'Repeat a create safely: the same key and body replay the first response; the same key with another body is 409.',
  }),
});

const SECURITY: Record<RouteSecurity, RouteConfig['security']> = {
  bearer: [{ bearerAuth: [] }],
  codec: [{ bearerAuth: [] }, { codecSession: [] }],
  metrics: [{ metricsToken: [] }],
  none: [],
};

function documentedRoute(route: RouteInfo, doc: RouteDoc): RouteConfig {
  const signedIn = doc.access !== 'public';
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(doc.responses)) {
    responses[status] = r.schema
      ? { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: r.schema } } }
      : r.contentType
        ? { description: r.description, content: { [r.contentType]: { schema: { type: 'string' } } } }
        : { description: r.description };
  }
  // What every route of its kind may answer, from the middleware it runs through.
  const common: Partial<Record<number, string>> = {};
  if (doc.body) common[400] = 'Malformed JSON';
  if (signedIn) common[401] = 'No token, or an expired or invalid one';
  if (signedIn && doc.access !== 'staff') common[403] = `Needs the ${doc.access} role or above`;
  if (route.paramNames.length > 0) common[404] = 'Unknown id, or one of another business';
  if (doc.idempotent) common[409] = 'Idempotency-Key reused with another request';
  if (doc.body) {
    common[413] = 'Body too large';
    common[415] = 'Body is not JSON, or in a content encoding the API does not take';
  }
  if (doc.body || doc.query || doc.params) common[422] = 'Fields that break the schema, each named in errors[]';
  // Node's HTTP parser refuses a request line and headers over its limit (16 KB) before routing.
  if (doc.query || doc.params) common[431] = 'The URL and headers are larger than the server reads';
  if (signedIn || limitedPerIp(route.path)) common[429] = 'Rate limited; see Retry-After';
  if (!doc.standalone) common[503] = 'Postgres or Temporal unavailable; see Retry-After';
  // A route's own description of a status says more than the common one.
  for (const [status, description] of Object.entries({ ...common, ...doc.errors })) {
    if (description && !responses[status]) responses[status] = problem(description);
  }

  const request: NonNullable<RouteConfig['request']> = {};
  if (doc.params) request.params = doc.params as never;
  if (doc.query) request.query = doc.query as never;
  if (doc.body) request.body = { required: !doc.bodyOptional, content: { 'application/json': { schema: doc.body } } };
  if (doc.rawBody) {
    const { contentType, description, example } = doc.rawBody;
    request.body = {
      required: true,
      description,
      content: { [contentType]: { schema: { type: 'object', description, example } } },
    };
  }
  if (doc.idempotent) request.headers = idempotencyKeyHeader;

  return {
    method: route.method.toLowerCase() as Method,
    path: route.openapiPath,
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags,
    security: SECURITY[doc.security ?? (signedIn ? 'bearer' : 'none')],
    request,
    responses,
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
  registry.registerComponent('securitySchemes', 'codecSession', {
    type: 'apiKey',
    in: 'cookie',
    name: CODEC_SESSION_COOKIE,
    description: 'The codec-only session cookie GET /api/temporal/codec/session sets (for the Temporal UI)',
  });
  registry.registerComponent('securitySchemes', 'metricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'METRICS_TOKEN, when the server sets one',
  });
  registry.register('Problem', problemSchema);
  for (const route of listRoutes(app)) {
    if (route.doc?.hidden) continue;
    // Every route is declared with its schemas and statuses; one that is not is a mistake here.
    if (!route.doc) throw new Error(`${route.method} ${route.path} is mounted without an endpoint declaration`);
    registry.registerPath(documentedRoute(route, route.doc));
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    servers: [{ url: config.http.publicBaseUrl, description: 'This server (PUBLIC_BASE_URL)' }],
    info: {
      title: 'Frontdesk API',
      version: config.version,
      description:
        'JSON in and out. Errors are application/problem+json. Lists take ?limit (1-100) and ?cursor and answer { items, nextCursor }. ' +
        'Signed-in routes take `Authorization: Bearer <access token>` (from /api/auth/login, /register or /refresh).',
    },
  });
}
