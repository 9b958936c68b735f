// The API's conventions, checked on every route the app mounts (later routes included): each 4xx
// is application/problem+json with the request id, and a 422 names each field at fault.
import { listRoutes, type RouteInfo } from '../../src/api/route-table';
import { startApi, type RunningApi } from '../helpers/api';
import { createUser, registerTenant, type SignedInUser } from '../helpers/auth';
import { request, type TestResponse } from '../helpers/http';

let api: RunningApi;
let owner: SignedInUser;
let staff: SignedInUser;
let routes: RouteInfo[];
beforeAll(async () => {
  api = await startApi({ BODY_LIMIT_BYTES: '2000' });
  owner = await registerTenant(api.server);
  staff = await createUser(api.server, owner, 'staff');
  routes = listRoutes(api.app).filter((r) => r.doc && !r.doc.hidden);
});
afterAll(() => api.close());

const name = (r: RouteInfo) => `${r.method} ${r.path}`;
const fill = (r: RouteInfo, value: string) => r.path.replace(/:([A-Za-z0-9_]+)/g, value);
const VALID_ID = '00000000-0000-4000-8000-000000000000';

function problemFailures(route: string, res: TestResponse, status: number): string[] {
  const failures: string[] = [];
  if (res.status !== status) failures.push(`${route}: ${res.status} instead of ${status} (${res.text.slice(0, 120)})`);
  else {
    if (!/^application\/problem\+json/.test(res.headers['content-type'] ?? ''))
      failures.push(`${route}: content-type ${res.headers['content-type']}`);
    if (
      res.body?.status !== status ||
      typeof res.body?.detail !== 'string' ||
      res.body?.requestId !== res.headers['x-request-id']
    ) {
      failures.push(`${route}: body ${res.text.slice(0, 120)}`);
    }
  }
  return failures;
}

it('answers 401 problem+json on every signed-in route without a token', async () => {
  const failures: string[] = [];
  for (const route of routes.filter((r) => r.doc!.access !== 'public')) {
    failures.push(...problemFailures(name(route), await request(api.server, route.method, fill(route, VALID_ID)), 401));
  }
  expect(failures).toEqual([]);
});

it('answers 403 problem+json to staff on every admin or owner route', async () => {
  const failures: string[] = [];
  const guarded = routes.filter((r) => r.doc!.access === 'admin' || r.doc!.access === 'owner');
  expect(guarded.length).toBeGreaterThan(3);
  for (const route of guarded) {
    failures.push(
      ...problemFailures(
        name(route),
        await request(api.server, route.method, fill(route, VALID_ID), { token: staff.accessToken }),
        403,
      ),
    );
  }
  expect(failures).toEqual([]);
});

describe('on every route that takes a body', () => {
  const bodyRoutes = () => routes.filter((r) => r.doc!.body);
  const token = () => owner.accessToken;

  it('answers 422 naming each field: unknown ones, missing ones, wrong types', async () => {
    const failures: string[] = [];
    for (const route of bodyRoutes()) {
      const res = await request(api.server, route.method, fill(route, VALID_ID), {
        token: token(),
        json: { notAField: true },
      });
      failures.push(...problemFailures(name(route), res, 422));
      const paths: string[] = (res.body?.errors ?? []).map((e: { path: string }) => e.path);
      if (!paths.includes('notAField')) failures.push(`${name(route)}: unknown field not named (${paths.join(', ')})`);
      if (paths.some((p) => p === '' || typeof p !== 'string'))
        failures.push(`${name(route)}: an error without a path`);
    }
    expect(failures).toEqual([]);
  });

  it('answers 400 to malformed JSON, 415 to another content type, 413 past the size limit', async () => {
    const failures: string[] = [];
    for (const route of bodyRoutes()) {
      const path = fill(route, VALID_ID);
      const headers = { Authorization: `Bearer ${token()}` };
      failures.push(
        ...problemFailures(
          `${name(route)} malformed`,
          await request(api.server, route.method, path, {
            raw: '{"name":',
            headers: { ...headers, 'Content-Type': 'application/json' },
          }),
          400,
        ),
      );
      failures.push(
        ...problemFailures(
          `${name(route)} form`,
          await request(api.server, route.method, path, {
            raw: 'name=x',
            headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
          }),
          415,
        ),
      );
      failures.push(
        ...problemFailures(
          `${name(route)} huge`,
          await request(api.server, route.method, path, {
            raw: JSON.stringify({ name: 'x'.repeat(5000) }),
            headers: { ...headers, 'Content-Type': 'application/json' },
          }),
          413,
        ),
      );
    }
    expect(failures).toEqual([]);
  });
});

it('answers 422 naming the parameter on every id route given an id that is not a UUID', async () => {
  const failures: string[] = [];
  for (const route of routes.filter((r) => r.doc!.params && r.doc!.access !== 'public')) {
    const res = await request(api.server, route.method, fill(route, 'not-a-uuid'), {
      token: owner.accessToken,
      ...(route.method === 'GET' ? {} : { json: {} }),
    });
    failures.push(...problemFailures(name(route), res, 422));
    for (const param of route.paramNames) {
      if (!(res.body?.errors ?? []).some((e: { path: string }) => e.path === param))
        failures.push(`${name(route)}: ${param} not named`);
    }
  }
  expect(failures).toEqual([]);
});

it('answers 422 naming limit on every list given ?limit=1000', async () => {
  const failures: string[] = [];
  const lists = routes.filter(
    (r) => r.method === 'GET' && r.doc!.query && 'limit' in ((r.doc!.query as any).shape ?? {}),
  );
  expect(lists.length).toBeGreaterThanOrEqual(3);
  for (const route of lists) {
    const res = await request(api.server, 'GET', `${fill(route, VALID_ID)}?limit=1000`, { token: owner.accessToken });
    failures.push(...problemFailures(name(route), res, 422));
    if (res.body?.errors?.[0]?.path !== 'limit') failures.push(`${name(route)}: limit not named`);
  }
  expect(failures).toEqual([]);
});

it('answers 404 problem+json to unknown routes and ids', async () => {
  expect(
    problemFailures(
      'unknown route',
      await request(api.server, 'GET', '/api/nothing-here', { token: owner.accessToken }),
      404,
    ),
  ).toEqual([]);
  expect(
    problemFailures(
      'unknown client',
      await request(api.server, 'GET', `/api/clients/${VALID_ID}`, { token: owner.accessToken }),
      404,
    ),
  ).toEqual([]);
});

it('never leaks a stack trace or internals in a problem', async () => {
  const res = await request(api.server, 'POST', '/api/clients', { token: owner.accessToken, json: { name: 5 } });
  expect(res.text).not.toMatch(/at .*\.ts:\d+|node_modules|SELECT|slonik/i);
});
