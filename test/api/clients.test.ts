// Clients through HTTP: create, list with search and pages, get, update, delete; validation,
// E.164 phones, IANA zones, SMS consent with time and source, Idempotency-Key, audit entries.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startApi, type RunningApi } from '../helpers/api';
import { createUser, registerTenant, type SignedInUser } from '../helpers/auth';
import { request } from '../helpers/http';

let api: RunningApi;
let owner: SignedInUser;
let staff: SignedInUser;
beforeAll(async () => {
  api = await startApi();
  owner = await registerTenant(api.server);
  staff = await createUser(api.server, owner, 'staff');
});
afterAll(() => api.close());

const post = (json: unknown, headers: Record<string, string> = {}, token = staff.accessToken) =>
  request(api.server, 'POST', '/api/clients', { token, json, headers });

describe('creating a client', () => {
  it('stores what was sent, with the phone in E.164 and consent stamped with time and source', async () => {
    const before = Date.now();
    const res = await post({
      name: '  Ada Lovelace ',
      email: 'ada@example.com',
      phone: '+44 (0)7911 123-456'.replace('(0)', ''),
      timezone: 'Europe/London',
      notes: 'Prefers mornings',
      smsConsent: true,
      smsConsentSource: 'paper form at reception',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+447911123456',
      timezone: 'Europe/London',
      notes: 'Prefers mornings',
      smsConsent: true,
      smsConsentAt: expect.any(String),
      smsConsentSource: 'paper form at reception',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(new Date(res.body.smsConsentAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(res.headers.location).toBe(`/api/clients/${res.body.id}`);
    const got = await request(api.server, 'GET', `/api/clients/${res.body.id}`, { token: staff.accessToken });
    expect(got.body).toEqual(res.body);
  });

  it('accepts 00 international prefixes and defaults consent to none, with no time or source', async () => {
    const res = await post({ name: 'Blaise', phone: '0033 6 12 34 56 78' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      phone: '+33612345678',
      smsConsent: false,
      smsConsentAt: null,
      smsConsentSource: null,
      email: null,
    });
    const api_ = await post({ name: 'Carl', smsConsent: true });
    expect(api_.body.smsConsentSource).toBe('api');
  });

  it('answers 422 naming every bad field', async () => {
    const res = await post({
      name: '',
      email: 'not-an-email',
      phone: '7911 123456',
      timezone: 'Europe/Atlantis',
      notes: 'x'.repeat(10_001),
      smsConsent: 'yes',
      favouriteColour: 'blue',
    });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const byPath = Object.fromEntries(
      res.body.errors.map((e: { path: string; message: string }) => [e.path, e.message]),
    );
    expect(Object.keys(byPath).sort()).toEqual([
      'email',
      'favouriteColour',
      'name',
      'notes',
      'phone',
      'smsConsent',
      'timezone',
    ]);
    expect(byPath.phone).toMatch(/country code/);
    expect(byPath.timezone).toMatch(/IANA/);
  });

  it('refuses an invalid number and a time zone that is an offset', async () => {
    const res = await post({ name: 'Dora', phone: '+1 000 000 0000', timezone: '+02:00' });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['phone', 'timezone']);
  });

  it('records client.created in the audit log with actor and request id', async () => {
    const res = await post({ name: 'Edsger' }, { 'X-Request-Id': `create-${randomUUID()}` });
    const audit = await request(api.server, 'GET', `/api/audit?target=client:${res.body.id}`, {
      token: owner.accessToken,
    });
    expect(audit.body.items).toEqual([
      {
        id: expect.any(String),
        actorId: staff.userId,
        action: 'client.created',
        target: `client:${res.body.id}`,
        at: expect.any(String),
        requestId: res.headers['x-request-id'],
        detail: { fields: ['name'] },
      },
    ]);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, creating one client', async () => {
    const key = randomUUID();
    const body = { name: 'Frances Allen', email: 'fran@example.com' };
    const first = await post(body, { 'Idempotency-Key': key });
    const again = await post({ email: 'fran@example.com', name: 'Frances Allen' }, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    const list = await request(api.server, 'GET', '/api/clients?search=Frances%20Allen', { token: staff.accessToken });
    expect(list.body.items).toHaveLength(1);
  });

  it('answers 409 naming Idempotency-Key when the key comes back with another body', async () => {
    const key = randomUUID();
    expect((await post({ name: 'Grace' }, { 'Idempotency-Key': key })).status).toBe(201);
    const conflict = await post({ name: 'Not Grace' }, { 'Idempotency-Key': key });
    expect(conflict.status).toBe(409);
    expect(conflict.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(conflict.body.errors).toEqual([
      { path: 'Idempotency-Key', message: expect.stringMatching(/different request/) },
    ]);
  });

  it('creates once when two requests race with one key', async () => {
    const key = randomUUID();
    const name = `Racer ${key}`;
    const [a, b] = await Promise.all([
      post({ name }, { 'Idempotency-Key': key }),
      post({ name }, { 'Idempotency-Key': key }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).toBe(b.body.id);
    const list = await request(api.server, 'GET', `/api/clients?search=${encodeURIComponent(name)}`, {
      token: staff.accessToken,
    });
    expect(list.body.items).toHaveLength(1);
  });

  it('keeps keys per tenant, and lets a failed request be retried with its key', async () => {
    const key = randomUUID();
    const other = await registerTenant(api.server);
    const mine = await post({ name: 'Shared key' }, { 'Idempotency-Key': key });
    const theirs = await post({ name: 'Shared key' }, { 'Idempotency-Key': key }, other.accessToken);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);

    const retryKey = randomUUID();
    expect((await post({ name: '' }, { 'Idempotency-Key': retryKey })).status).toBe(422);
    const retried = await post({ name: 'Fixed' }, { 'Idempotency-Key': retryKey });
    expect(retried.status).toBe(201);
  });

  it('treats a key older than its retention (IDEMPOTENCY_KEY_TTL_HOURS, 24) as new', async () => {
    const key = randomUUID();
    const first = await post({ name: 'Ada Old' }, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const tableOwner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
    await tableOwner.connect();
    try {
      await tableOwner.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, [
        key,
      ]);
    } finally {
      await tableOwner.end();
    }
    const later = await post({ name: 'Ada New' }, { 'Idempotency-Key': key });
    expect(later.status).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(later.body.id).not.toBe(first.body.id);
    // The key now belongs to the new request: its repeat replays the new answer.
    expect((await post({ name: 'Ada New' }, { 'Idempotency-Key': key })).body.id).toBe(later.body.id);
  });

  it('answers 422 to a key that is not printable ASCII', async () => {
    const res = await post({ name: 'Key' }, { 'Idempotency-Key': 'x'.repeat(300) });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe('Idempotency-Key');
  });
});

describe('listing and searching', () => {
  let tenant: SignedInUser;
  beforeAll(async () => {
    tenant = await registerTenant(api.server);
    for (const [name, email, phone] of [
      ['zoe Quinn', 'zoe@example.com', '+14155552671'],
      ['Alan Turing', 'alan@bletchley.example', null],
      ['barbara Liskov', 'barbara@example.com', '+12025550143'],
      ['Charles Babbage', null, '+447911123456'],
      ['Alan Kay', 'kay@example.com', null],
    ] as const) {
      const res = await post(
        { name, ...(email ? { email } : {}), ...(phone ? { phone } : {}) },
        {},
        tenant.accessToken,
      );
      expect(res.status).toBe(201);
    }
  });

  const list = (query: string) => request(api.server, 'GET', `/api/clients${query}`, { token: tenant.accessToken });

  it('pages alphabetically (ignoring case) with limit and cursor, no gaps or repeats', async () => {
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<typeof list>> = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      names.push(...res.body.items.map((c: { name: string }) => c.name));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(names).toEqual(['Alan Kay', 'Alan Turing', 'barbara Liskov', 'Charles Babbage', 'zoe Quinn']);
    expect((await list('')).body.items).toHaveLength(5); // default limit 50
  });

  it('searches name, email and phone', async () => {
    const names = async (q: string) =>
      (await list(`?search=${encodeURIComponent(q)}`)).body.items.map((c: { name: string }) => c.name);
    expect(await names('alan')).toEqual(['Alan Kay', 'Alan Turing']);
    expect(await names('bletchley')).toEqual(['Alan Turing']);
    expect(await names('+4479')).toEqual(['Charles Babbage']);
    expect(await names('%')).toEqual([]); // LIKE wildcards are literal
  });

  it('answers 422 naming limit and cursor when they are wrong', async () => {
    for (const [query, path] of [
      ['?limit=0', 'limit'],
      ['?limit=101', 'limit'],
      ['?limit=abc', 'limit'],
      ['?cursor=bogus', 'cursor'],
    ]) {
      const res = await list(query!);
      expect(res.status).toBe(422);
      expect(res.body.errors[0].path).toBe(path);
    }
  });
});

describe('updating and deleting', () => {
  it('changes only the fields sent, clears with null, and re-stamps consent when it changes', async () => {
    const created = await post({
      name: 'Hedy Lamarr',
      email: 'hedy@example.com',
      phone: '+14155552671',
      smsConsent: true,
    });
    const patch = await request(api.server, 'PATCH', `/api/clients/${created.body.id}`, {
      token: staff.accessToken,
      json: { email: null, smsConsent: false, smsConsentSource: 'client asked by phone', phone: '+1 (202) 555-0143' },
    });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({
      name: 'Hedy Lamarr',
      email: null,
      phone: '+12025550143',
      smsConsent: false,
      smsConsentSource: 'client asked by phone',
    });
    expect(new Date(patch.body.smsConsentAt).getTime()).toBeGreaterThanOrEqual(
      new Date(created.body.smsConsentAt).getTime(),
    );
    expect(new Date(patch.body.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.body.updatedAt).getTime());
    const audit = await request(
      api.server,
      'GET',
      `/api/audit?target=client:${created.body.id}&action=client.updated`,
      { token: owner.accessToken },
    );
    expect(audit.body.items[0].detail).toEqual({ fields: ['email', 'phone', 'smsConsent', 'smsConsentSource'] });
  });

  it('answers 422 to an empty change and to a consent source without consent', async () => {
    const created = await post({ name: 'Ida' });
    const empty = await request(api.server, 'PATCH', `/api/clients/${created.body.id}`, {
      token: staff.accessToken,
      json: {},
    });
    expect(empty.status).toBe(422);
    const source = await request(api.server, 'PATCH', `/api/clients/${created.body.id}`, {
      token: staff.accessToken,
      json: { smsConsentSource: 'x' },
    });
    expect(source.body.errors).toEqual([
      { path: 'smsConsentSource', message: 'is only accepted together with smsConsent' },
    ]);
  });

  it('deletes for admins and owners, 403 for staff, then 404', async () => {
    const created = await post({ name: 'Jean Bartik' });
    const denied = await request(api.server, 'DELETE', `/api/clients/${created.body.id}`, { token: staff.accessToken });
    expect(denied.status).toBe(403);
    const deleted = await request(api.server, 'DELETE', `/api/clients/${created.body.id}`, {
      token: owner.accessToken,
    });
    expect(deleted.status).toBe(204);
    expect(
      (await request(api.server, 'GET', `/api/clients/${created.body.id}`, { token: staff.accessToken })).status,
    ).toBe(404);
    expect(
      (await request(api.server, 'DELETE', `/api/clients/${created.body.id}`, { token: owner.accessToken })).status,
    ).toBe(404);
    const audit = await request(api.server, 'GET', `/api/audit?target=client:${created.body.id}`, {
      token: owner.accessToken,
    });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['client.deleted', 'client.created']);
  });

  it('answers 404 for an unknown id and 422 naming id for one that is not a UUID', async () => {
    expect(
      (await request(api.server, 'GET', `/api/clients/${randomUUID()}`, { token: staff.accessToken })).status,
    ).toBe(404);
    const bad = await request(api.server, 'GET', '/api/clients/42', { token: staff.accessToken });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ path: 'id', message: 'Invalid uuid' }]);
  });
});

describe('the audit log', () => {
  it('is for owners only, newest first, filterable by action, paged', async () => {
    const tenant = await registerTenant(api.server);
    const admin = await createUser(api.server, tenant, 'admin');
    for (const name of ['One', 'Two', 'Three']) await post({ name }, {}, admin.accessToken);
    expect((await request(api.server, 'GET', '/api/audit', { token: admin.accessToken })).status).toBe(403);
    const page1 = await request(api.server, 'GET', '/api/audit?action=client.created&limit=2', {
      token: tenant.accessToken,
    });
    expect(page1.status).toBe(200);
    const page2 = await request(
      api.server,
      'GET',
      `/api/audit?action=client.created&limit=2&cursor=${page1.body.nextCursor}`,
      { token: tenant.accessToken },
    );
    const entries = [...page1.body.items, ...page2.body.items];
    expect(entries).toHaveLength(3);
    expect(page2.body.nextCursor).toBeNull();
    const times = entries.map((e: { at: string }) => new Date(e.at).getTime());
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    expect(entries.every((e: { actorId: string }) => e.actorId === admin.userId)).toBe(true);
  });
});
