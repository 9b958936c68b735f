// The tenant-isolation matrix. It walks every route the app mounts (found in its routers, so
// routes added later are covered without touching this file) and checks, with tenant B's owner
// token against every id tenant A owns: each id route answers 404 problem+json, never 403 or
// data; nothing of tenant A changes; no list or other GET of B shows one of A's ids. It also
// checks that each id route does reach one of A's records with A's own token, so the 404s are
// about the tenant and not about an id the route would never accept.
import pg from 'pg';
import { listRoutes, type RouteInfo } from '../../src/api/route-table';
import { startApi, type RunningApi } from '../helpers/api';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { request } from '../helpers/http';
import { seedTenantRecords } from '../helpers/tenant-seed';

let api: RunningApi;
let owner: pg.Client; // the migration role: sees every tenant's rows, for ids and snapshots
let tenantA: SignedInUser;
let tenantB: SignedInUser;
let openapi: any;
let signedInRoutes: RouteInfo[];

const uuidInText = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

async function tenantTables(): Promise<{ table: string; idColumns: string[] }[]> {
  const { rows } = await owner.query<{ table_name: string; columns: string[] }>(`
    SELECT c.table_name, array_agg(c.column_name::text) AS columns
      FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema = 'public'
     GROUP BY c.table_name
    HAVING bool_or(c.column_name = 'tenant_id')`);
  return rows.map((r) => ({
    table: r.table_name,
    idColumns: r.columns.filter((c) => c === 'id' || c === 'workflow_id'),
  }));
}

/** Every id and workflow id tenant A owns, in any table, and A's tenant id itself. */
async function idsOfTenant(tenantId: string): Promise<string[]> {
  const ids = new Set<string>([tenantId]);
  for (const { table, idColumns } of await tenantTables()) {
    for (const column of idColumns) {
      const { rows } = await owner.query(
        `SELECT ${column}::text AS v FROM "${table}" WHERE tenant_id = $1 AND ${column} IS NOT NULL`,
        [tenantId],
      );
      for (const row of rows) ids.add(row.v as string);
    }
  }
  return [...ids];
}

/** All of tenant A's rows, table by table, in a stable order. */
async function snapshotOfTenant(tenantId: string): Promise<Record<string, unknown>> {
  const snapshot: Record<string, unknown> = {};
  for (const { table } of await tenantTables()) {
    const { rows } = await owner.query(
      `SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY to_jsonb(t)::text), '[]'::jsonb) AS rows FROM "${table}" t WHERE tenant_id = $1`,
      [tenantId],
    );
    snapshot[table] = rows[0].rows;
  }
  snapshot.tenants = (await owner.query('SELECT to_jsonb(t) AS row FROM tenants t WHERE id = $1', [tenantId])).rows;
  return snapshot;
}

/** The example body the OpenAPI document gives for the route, so validation lets the request through. */
function exampleBody(route: RouteInfo): unknown {
  const operation = openapi.paths?.[route.openapiPath]?.[route.method.toLowerCase()];
  let schema = operation?.requestBody?.content?.['application/json']?.schema;
  if (!schema) return undefined;
  if (schema.$ref) schema = openapi.components.schemas[schema.$ref.split('/').pop()];
  if (schema?.example === undefined) {
    throw new Error(
      `${route.method} ${route.path} takes a body but its schema has no example: add .openapi({ example })`,
    );
  }
  return schema.example;
}

function pathWith(route: RouteInfo, id: string): string {
  return route.path.replace(/:([A-Za-z0-9_]+)/g, () => encodeURIComponent(id));
}

async function call(route: RouteInfo, id: string, token: string) {
  const body = exampleBody(route);
  return request(api.server, route.method, pathWith(route, id), {
    token,
    ...(body === undefined ? {} : { json: body }),
  });
}

beforeAll(async () => {
  api = await startApi();
  owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await owner.connect();
  tenantA = await registerTenant(api.server, { businessName: 'Tenant A' });
  tenantB = await registerTenant(api.server, { businessName: 'Tenant B' });
  await seedTenantRecords(api.server, tenantA);
  await seedTenantRecords(api.server, tenantB);
  openapi = (await request(api.server, 'GET', '/api/openapi.json')).body;

  // Signed-in routes: declared so, or (for a plain router) answering 401 without a token.
  signedInRoutes = [];
  for (const route of listRoutes(api.app)) {
    if (route.doc) {
      if (route.doc.access !== 'public') signedInRoutes.push(route);
      continue;
    }
    const probe = await request(api.server, route.method, pathWith(route, '00000000-0000-4000-8000-000000000000'));
    if (probe.status === 401) signedInRoutes.push(route);
  }
});

afterAll(async () => {
  await owner.end();
  await api.close();
});

// Every id route times every id of a tenant: hundreds of requests, each through Postgres and some
// through Temporal, so on a loaded 2-core machine this takes minutes, not the default minute.
const MATRIX_TIMEOUT_MS = 5 * 60_000;

const routeName = (r: RouteInfo) => `${r.method} ${r.path}`;
const idRoutes = () => signedInRoutes.filter((r) => r.paramNames.length > 0);

it('finds the id routes in the routers', () => {
  expect(idRoutes().map(routeName)).toEqual(
    expect.arrayContaining([
      'GET /api/clients/:id',
      'PATCH /api/clients/:id',
      'DELETE /api/clients/:id',
      'GET /api/users/:id',
      'DELETE /api/users/:id',
      'DELETE /api/users/invites/:id',
      'GET /api/services/:id',
      'PATCH /api/services/:id',
      'DELETE /api/services/:id',
      'GET /api/bookings/:id',
      'POST /api/bookings/:id/reschedule',
      'POST /api/bookings/:id/cancel',
      'POST /api/bookings/:id/complete',
      'POST /api/bookings/:id/no-show',
    ]),
  );
});

it(
  "answers 404 problem+json to tenant B on every id of tenant A, and changes nothing of A's",
  async () => {
    const ids = await idsOfTenant(tenantA.tenantId);
    expect(ids.length).toBeGreaterThan(5);
    const before = await snapshotOfTenant(tenantA.tenantId);

    const failures: string[] = [];
    for (const route of idRoutes()) {
      // Every id on one route at once: tenant B's calls change nothing, so their order cannot matter.
      const answers = await Promise.all(
        ids.map(async (id) => ({ id, res: await call(route, id, tenantB.accessToken) })),
      );
      for (const { id, res } of answers) {
        // An id of another shape than the route takes (a workflow id on a UUID route, a UUID on a
        // workflow-id route) is malformed for every tenant alike: a 422 naming the param says
        // nothing about tenant A.
        if (res.status === 422 && res.body?.errors?.every((e: { path: string }) => route.paramNames.includes(e.path)))
          continue;
        const problem =
          /application\/problem\+json/.test(res.headers['content-type'] ?? '') && res.body?.status === 404;
        if (res.status !== 404 || !problem)
          failures.push(`${routeName(route)} with ${id}: ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshotOfTenant(tenantA.tenantId)).toEqual(before);
  },
  MATRIX_TIMEOUT_MS,
);

it("shows none of tenant A's ids in anything tenant B can GET", async () => {
  const ids = new Set(await idsOfTenant(tenantA.tenantId));
  const leaks: string[] = [];
  for (const route of signedInRoutes.filter((r) => r.method === 'GET' && r.paramNames.length === 0)) {
    const res = await request(api.server, 'GET', route.path, { token: tenantB.accessToken });
    for (const found of res.text.match(uuidInText) ?? [])
      if (ids.has(found)) leaks.push(`${route.path} shows ${found}`);
  }
  expect(leaks).toEqual([]);
});

it(
  "reaches a record of tenant A on every id route with A's own token",
  async () => {
    const ids = await idsOfTenant(tenantA.tenantId);
    // Deletions last, so the other routes still find their records.
    const ordered = [...idRoutes()].sort((x, y) => Number(x.method === 'DELETE') - Number(y.method === 'DELETE'));
    const unreached: string[] = [];
    for (const route of ordered) {
      let reached = false;
      for (const id of ids) {
        const res = await call(route, id, tenantA.accessToken);
        if (res.status < 400 || res.status === 409) {
          reached = true;
          break;
        }
      }
      if (!reached)
        unreached.push(
          `${routeName(route)}: no id of tenant A answered; add a record of its kind to test/helpers/tenant-seed.ts`,
        );
    }
    expect(unreached).toEqual([]);
  },
  MATRIX_TIMEOUT_MS,
);
