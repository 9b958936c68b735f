// /api/services: the menu a front desk books from. Admins add, change and archive services (never
// delete: bookings keep pointing at them); staff read; another business never sees them.
import { startApi, type RunningApi } from '../helpers/api';
import { createUser, registerTenant, type SignedInUser } from '../helpers/auth';
import { request } from '../helpers/http';

let api: RunningApi;
let owner: SignedInUser;
let staff: SignedInUser;
let other: SignedInUser;

beforeAll(async () => {
  api = await startApi();
  owner = await registerTenant(api.server, { businessName: 'Menu Salon' });
  staff = await createUser(api.server, owner, 'staff');
  other = await registerTenant(api.server, { businessName: 'Other Salon' });
});
afterAll(() => api?.close());

const call = (method: string, path: string, options: Parameters<typeof request>[3] = {}) =>
  request(api.server, method, path, options);
const create = (json: Record<string, unknown>, user = owner) =>
  call('POST', '/api/services', { token: user.accessToken, json });

it('adds a service with its defaults, answers it at its Location, and audits it', async () => {
  const res = await create({ name: 'Beard trim', durationMinutes: 20 });
  expect(res.status).toBe(201);
  expect(res.body).toEqual({
    id: expect.any(String),
    name: 'Beard trim',
    description: null,
    durationMinutes: 20,
    bufferMinutes: 0,
    priceCents: null,
    currency: 'usd',
    archived: false,
    archivedAt: null,
    createdAt: expect.any(String),
    updatedAt: expect.any(String),
  });
  expect(res.headers.location).toBe(`/api/services/${res.body.id}`);
  expect((await call('GET', res.headers.location!, { token: staff.accessToken })).body).toEqual(res.body);
  const audit = await call('GET', `/api/audit?target=service:${res.body.id}`, { token: owner.accessToken });
  expect(audit.body.items).toEqual([expect.objectContaining({ action: 'service.created', actorId: owner.userId })]);
});

it('lets staff read the menu but not change it', async () => {
  expect((await create({ name: 'Staff service', durationMinutes: 30 }, staff)).status).toBe(403);
  expect((await call('GET', '/api/services', { token: staff.accessToken })).status).toBe(200);
});

it('names each field at fault', async () => {
  const res = await create({ name: '', durationMinutes: 3, bufferMinutes: 500, currency: 'xyz', priceCents: -1 });
  expect(res.status).toBe(422);
  expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
    'bufferMinutes',
    'currency',
    'durationMinutes',
    'name',
    'priceCents',
  ]);
});

it('refuses a second active service of the same name (any case) with 409 naming name', async () => {
  expect((await create({ name: 'Blow-dry', durationMinutes: 30 })).status).toBe(201);
  const again = await create({ name: 'BLOW-DRY', durationMinutes: 40 });
  expect(again.status).toBe(409);
  expect(again.body.errors).toEqual([{ path: 'name', message: expect.any(String) }]);
  // Another business may use the name.
  expect((await create({ name: 'Blow-dry', durationMinutes: 30 }, other)).status).toBe(201);
});

it('lists alphabetically, page by page', async () => {
  for (const name of ['Alpha wash', 'Zeta wax', 'Mid fringe']) await create({ name, durationMinutes: 15 });
  const names: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { items: { name: string }[]; nextCursor: string | null } } = await call(
      'GET',
      `/api/services?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      { token: owner.accessToken },
    );
    names.push(...page.body.items.map((s) => s.name));
    cursor = page.body.nextCursor;
  } while (cursor);
  expect(names).toEqual(['Alpha wash', 'Beard trim', 'Blow-dry', 'Mid fringe', 'Zeta wax']);
  expect((await call('GET', '/api/services?cursor=not-ours', { token: owner.accessToken })).status).toBe(422);
});

it('changes only the fields sent; null clears the price', async () => {
  const created = (await create({ name: 'Colour', durationMinutes: 90, priceCents: 12000, description: 'Full colour' }))
    .body;
  const patched = await call('PATCH', `/api/services/${created.id}`, {
    token: owner.accessToken,
    json: { priceCents: null, bufferMinutes: 15 },
  });
  expect(patched.status).toBe(200);
  expect(patched.body).toMatchObject({
    name: 'Colour',
    durationMinutes: 90,
    bufferMinutes: 15,
    priceCents: null,
    description: 'Full colour',
  });
  expect((await call('PATCH', `/api/services/${created.id}`, { token: owner.accessToken, json: {} })).status).toBe(422);
  expect(
    (await call('PATCH', `/api/services/${created.id}`, { token: owner.accessToken, json: { name: 'blow-dry' } }))
      .status,
  ).toBe(409);
});

it('archives instead of deleting: off the menu, name free again, still readable, no longer changeable', async () => {
  const created = (await create({ name: 'Perm', durationMinutes: 120 })).body;
  const archived = await call('DELETE', `/api/services/${created.id}`, { token: owner.accessToken });
  expect(archived.status).toBe(200);
  expect(archived.body).toMatchObject({ id: created.id, archived: true, archivedAt: expect.any(String) });
  const menu = (await call('GET', '/api/services?limit=100', { token: owner.accessToken })).body.items.map(
    (s: { id: string }) => s.id,
  );
  expect(menu).not.toContain(created.id);
  const all = (
    await call('GET', '/api/services?limit=100&includeArchived=true', { token: owner.accessToken })
  ).body.items.map((s: { id: string }) => s.id);
  expect(all).toContain(created.id);
  expect((await call('GET', `/api/services/${created.id}`, { token: owner.accessToken })).body.archived).toBe(true);
  expect(
    (await call('PATCH', `/api/services/${created.id}`, { token: owner.accessToken, json: { durationMinutes: 60 } }))
      .status,
  ).toBe(409);
  expect((await create({ name: 'Perm', durationMinutes: 100 })).status).toBe(201);
  // Archiving again changes nothing.
  expect((await call('DELETE', `/api/services/${created.id}`, { token: owner.accessToken })).body.archivedAt).toBe(
    archived.body.archivedAt,
  );
});

it("answers 404 for another business's service", async () => {
  const mine = (await create({ name: 'Private', durationMinutes: 30 })).body;
  for (const [method, json] of [
    ['GET', undefined],
    ['PATCH', { durationMinutes: 45 }],
    ['DELETE', undefined],
  ] as const) {
    expect(
      (await call(method, `/api/services/${mine.id}`, { token: other.accessToken, ...(json ? { json } : {}) })).status,
    ).toBe(404);
  }
  const theirs = (await call('GET', '/api/services?limit=100', { token: other.accessToken })).body.items.map(
    (s: { id: string }) => s.id,
  );
  expect(theirs).not.toContain(mine.id);
});
