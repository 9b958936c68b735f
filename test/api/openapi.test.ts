// GET /api/openapi.json: OpenAPI 3.1 generated from the routes the app mounts and their zod schemas.
import { listRoutes } from '../../src/api/route-table';
import { startApi, type RunningApi } from '../helpers/api';
import { request } from '../helpers/http';

let api: RunningApi;
let doc: any;
beforeAll(async () => {
  api = await startApi();
  const res = await request(api.server, 'GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(() => api.close());

it('is OpenAPI 3.1 with bearer auth and the problem schema', () => {
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.info).toMatchObject({ title: 'Frontdesk API', version: api.config.version });
  expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
  expect(doc.components.schemas.Problem.properties).toHaveProperty('errors');
});

it('lists every route the app mounts (except the docs page assets)', () => {
  const mounted = listRoutes(api.app)
    .filter((r) => !r.doc?.hidden)
    .map((r) => `${r.method.toLowerCase()} ${r.openapiPath}`)
    .sort();
  const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
    .sort();
  expect(documented).toEqual(mounted);
  expect(documented).toEqual(
    expect.arrayContaining([
      'post /api/auth/register',
      'post /api/auth/login',
      'post /api/auth/refresh',
      'post /api/auth/logout',
      'get /api/auth/me',
      'post /api/users',
      'get /api/audit',
      'post /api/clients',
      'get /api/clients',
      'get /api/clients/{id}',
      'patch /api/clients/{id}',
      'delete /api/clients/{id}',
      'get /api/system/status',
      'get /api/health',
      'get /api/health/live',
    ]),
  );
});

it('documents request and response schemas from the same zod schemas', () => {
  const create = doc.paths['/api/clients'].post;
  expect(create.security).toEqual([{ bearerAuth: [] }]);
  expect(create.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateClient' });
  const createClient = doc.components.schemas.CreateClient;
  expect(createClient.required).toEqual(['name']);
  expect(createClient.additionalProperties).toBe(false);
  expect(Object.keys(createClient.properties).sort()).toEqual(['email', 'name', 'notes', 'phone', 'smsConsent', 'smsConsentSource', 'timezone']);
  expect(create.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Client' });
  expect(create.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'Idempotency-Key' })]));
  expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '409', '413', '415', '422', '429']);

  const list = doc.paths['/api/clients'].get;
  expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'limit', 'search']);
  const get = doc.paths['/api/clients/{id}'].get;
  expect(get.parameters).toEqual([expect.objectContaining({ in: 'path', name: 'id', required: true })]);
  expect(get.responses['404'].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
  expect(doc.paths['/api/auth/login'].post.security).toEqual([]);
});

it('gives every request body an example (the isolation matrix sends them)', () => {
  const missing: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(ops)) {
      let schema = op.requestBody?.content?.['application/json']?.schema;
      if (!schema) continue;
      if (schema.$ref) schema = doc.components.schemas[schema.$ref.split('/').pop()];
      if (schema.example === undefined) missing.push(`${method} ${path}`);
    }
  }
  expect(missing).toEqual([]);
});
