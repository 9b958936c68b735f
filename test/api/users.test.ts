// Owners add users to their business; roles are checked per route (owner > admin > staff).
import { startApi, type RunningApi } from '../helpers/api';
import { createUser, registerTenant, TEST_PASSWORD, uniqueEmail, type SignedInUser } from '../helpers/auth';
import { request } from '../helpers/http';

let api: RunningApi;
let owner: SignedInUser;
let admin: SignedInUser;
let staff: SignedInUser;
beforeAll(async () => {
  api = await startApi();
  owner = await registerTenant(api.server);
  admin = await createUser(api.server, owner, 'admin');
  staff = await createUser(api.server, owner, 'staff');
});
afterAll(() => api.close());

it('lets the owner add a user of the same business, who can sign in with that role', async () => {
  const email = uniqueEmail('Reception');
  const res = await request(api.server, 'POST', '/api/users', {
    token: owner.accessToken,
    json: { email, password: TEST_PASSWORD, role: 'admin' },
  });
  expect(res.status).toBe(201);
  expect(res.body).toEqual({
    id: expect.any(String),
    email: email.toLowerCase(),
    role: 'admin',
    createdAt: expect.any(String),
  });
  expect(res.headers.location).toBe(`/api/users/${res.body.id}`);
  const login = await request(api.server, 'POST', '/api/auth/login', { json: { email, password: TEST_PASSWORD } });
  const me = await request(api.server, 'GET', '/api/auth/me', { token: login.body.accessToken });
  expect(me.body).toMatchObject({ user: { id: res.body.id, role: 'admin' }, tenant: { id: owner.tenantId } });
  const audit = await request(api.server, 'GET', `/api/audit?target=user:${res.body.id}&action=user.created`, {
    token: owner.accessToken,
  });
  expect(audit.body.items).toEqual([expect.objectContaining({ actorId: owner.userId, detail: { role: 'admin' } })]);
});

it('refuses admins and staff with 403', async () => {
  for (const caller of [admin, staff]) {
    const res = await request(api.server, 'POST', '/api/users', {
      token: caller.accessToken,
      json: { email: uniqueEmail(), password: TEST_PASSWORD, role: 'staff' },
    });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  }
});

it('answers 409 naming email for an email that has an account, in any business', async () => {
  const other = await registerTenant(api.server);
  const res = await request(api.server, 'POST', '/api/users', {
    token: owner.accessToken,
    json: { email: other.email, password: TEST_PASSWORD, role: 'staff' },
  });
  expect(res.status).toBe(409);
  expect(res.body.errors).toEqual([{ path: 'email', message: 'is already registered' }]);
});

it('answers 422 listing every bad field', async () => {
  const res = await request(api.server, 'POST', '/api/users', {
    token: owner.accessToken,
    json: { email: 'x', password: 'short', role: 'king' },
  });
  expect(res.status).toBe(422);
  expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'password', 'role']);
});

it('lists users to admins, not to staff, page by page', async () => {
  const first = await request(api.server, 'GET', '/api/users?limit=2', { token: admin.accessToken });
  expect(first.status).toBe(200);
  expect(first.body.items).toHaveLength(2);
  expect(first.body.items[0].id).toBe(owner.userId);
  const rest = await request(api.server, 'GET', `/api/users?limit=100&cursor=${first.body.nextCursor}`, {
    token: admin.accessToken,
  });
  const all = [...first.body.items, ...rest.body.items].map((u: { id: string }) => u.id);
  expect(new Set(all).size).toBe(all.length);
  expect(all).toEqual(expect.arrayContaining([owner.userId, admin.userId, staff.userId]));
  expect(rest.body.nextCursor).toBeNull();
  expect((await request(api.server, 'GET', '/api/users', { token: staff.accessToken })).status).toBe(403);
  expect((await request(api.server, 'GET', `/api/users/${staff.userId}`, { token: admin.accessToken })).body.role).toBe(
    'staff',
  );
});
