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
  expect(doc.components.securitySchemes.bearerAuth).toEqual(
    expect.objectContaining({ type: 'http', scheme: 'bearer' }),
  );
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
  expect(Object.keys(createClient.properties).sort()).toEqual([
    'email',
    'name',
    'notes',
    'phone',
    'smsConsent',
    'smsConsentSource',
    'timezone',
  ]);
  expect(create.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Client' });
  expect(create.parameters).toEqual(
    expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'Idempotency-Key' })]),
  );
  expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '409', '413', '415', '422', '429', '503']);

  const list = doc.paths['/api/clients'].get;
  expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'limit', 'search']);
  const get = doc.paths['/api/clients/{id}'].get;
  expect(get.parameters).toEqual([expect.objectContaining({ in: 'path', name: 'id', required: true })]);
  expect(get.responses['404'].content['application/problem+json'].schema).toEqual({
    $ref: '#/components/schemas/Problem',
  });
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

type Operation = {
  operationId?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  requestBody?: unknown;
};
const operations = (): [string, Operation][] =>
  Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
  );

it('names every operation with a unique camelCase operationId, and says where the API is', () => {
  const ids = operations().map(([, op]) => op.operationId);
  expect(ids.filter((id) => !/^[a-z][A-Za-z]+$/.test(id ?? ''))).toEqual([]);
  expect(new Set(ids).size).toBe(ids.length);
  expect(doc.paths['/api/clients'].post.operationId).toBe('createClient');
  expect(doc.paths['/api/invoices/{id}/reminders/pause'].post.operationId).toBe('pauseInvoiceReminders');
  expect(doc.servers).toEqual([expect.objectContaining({ url: api.config.http.publicBaseUrl })]);
});

it('declares per route how a caller authenticates: nothing for health checks and webhooks', () => {
  const security = Object.fromEntries(operations().map(([name, op]) => [name, op.security]));
  for (const name of [
    'GET /api/health',
    'GET /api/health/live',
    'POST /api/stripe/webhook',
    'POST /api/gmail/webhook',
    'POST /api/sms/webhook',
    'POST /api/sms/status',
  ]) {
    expect([name, security[name]]).toEqual([name, []]);
  }
  expect(security['GET /api/clients']).toEqual([{ bearerAuth: [] }]);
  expect(security['POST /api/temporal/codec/decode']).toEqual([{ bearerAuth: [] }, { codecSession: [] }]);
  expect(security['GET /metrics']).toEqual([{ metricsToken: [] }]);
  expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearerAuth', 'codecSession', 'metricsToken']);
});

it('gives every answer with a body its schema, and every operation but the health checks its 4xx', () => {
  const untyped: string[] = [];
  const no4xx: string[] = [];
  for (const [name, op] of operations()) {
    for (const [status, response] of Object.entries(op.responses)) {
      if (['204', '303'].includes(status)) continue;
      const contents = Object.values(response.content ?? {});
      if (contents.length === 0 || contents.some((c) => !c.schema)) untyped.push(`${name} ${status}`);
    }
    if (!name.startsWith('GET /api/health') && !Object.keys(op.responses).some((s) => s.startsWith('4')))
      no4xx.push(name);
  }
  expect(untyped).toEqual([]);
  expect(no4xx).toEqual([]);
});

it('documents the statuses each route answers beyond the common ones', () => {
  const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses);
  for (const path of [
    '/api/invoices/{id}/mark-paid',
    '/api/invoices/{id}/void',
    '/api/invoices/{id}/reminders/pause',
    '/api/invoices/{id}/reschedule',
    '/api/workflows/{workflowId}/cancel',
    '/api/workflows/{workflowId}/terminate',
  ]) {
    expect([path, statuses(path, 'post')]).toEqual([path, expect.arrayContaining(['409'])]);
  }
  expect(statuses('/api/clients/{id}', 'delete')).toContain('409');
  expect(statuses('/api/auth/login', 'post')).toContain('401');
  expect(statuses('/api/auth/refresh', 'post')).toContain('401');
  expect(statuses('/api/gmail/webhook', 'post')).toContain('401');
  expect(statuses('/api/stripe/webhook', 'post')).toContain('400');
  for (const path of ['/api/sms/webhook', '/api/sms/status'])
    expect(statuses(path, 'post')).toEqual(expect.arrayContaining(['403', '415']));
  // An outage is a 503 wherever Postgres or Temporal is asked; liveness asks neither.
  expect(statuses('/api/emails', 'post')).toContain('503');
  expect(statuses('/api/health/live', 'get')).toEqual(['200']);
  // Webhooks and health checks are not limited per address, so they document no 429.
  expect(statuses('/api/stripe/webhook', 'post')).not.toContain('429');
});

it('describes a client update as the route validates it: null clears the phone, {} changes nothing and is refused', () => {
  const update = doc.components.schemas.UpdateClient;
  expect(update.minProperties).toBe(1);
  expect(update.properties.phone.type).toEqual(['string', 'null']);
});
