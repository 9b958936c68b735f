// GET/PATCH /api/tenant: a business's name, time zone and the reminder schedule new invoices get.
import { startApi, type RunningApi } from '../helpers/api';
import { createUser, registerTenant, type SignedInUser } from '../helpers/auth';
import { request } from '../helpers/http';

let api: RunningApi;
let owner: SignedInUser;
let other: SignedInUser;

beforeAll(async () => {
  // Reminder workflows start on a task queue no worker polls: only what the routes store is read.
  api = await startApi({ TEMPORAL_TASK_QUEUE: 'tenant-test-unpolled' });
  owner = await registerTenant(api.server, { businessName: 'Lumen Hair Studio' });
  other = await registerTenant(api.server, { businessName: 'Other Studio' });
});

afterAll(() => api?.close());

const call = (method: string, path: string, options: Parameters<typeof request>[3] = {}) =>
  request(api.server, method, path, options);

async function invoiceScheduleOf(user: SignedInUser, scheduleDays?: number[]) {
  const client = await call('POST', '/api/clients', {
    token: user.accessToken,
    json: { name: 'Ada', email: 'ada@example.com' },
  });
  const res = await call('POST', '/api/invoices', {
    token: user.accessToken,
    json: {
      clientId: client.body.id,
      amountCents: 1000,
      currency: 'usd',
      dueDate: '2030-01-15',
      description: 'Cut',
      ...(scheduleDays ? { scheduleDays } : {}),
    },
  });
  expect(res.status).toBe(201);
  return (await call('GET', `/api/invoices/${res.body.id}`, { token: user.accessToken })).body.scheduleDays;
}

it("shows the business, and the owner sets the schedule new invoices get (an invoice's own still wins)", async () => {
  const before = await call('GET', '/api/tenant', { token: owner.accessToken });
  expect(before.body).toEqual({
    id: owner.tenantId,
    name: 'Lumen Hair Studio',
    timezone: expect.any(String),
    reminderScheduleDays: null,
    ssoRequired: false,
    createdAt: expect.any(String),
  });
  expect(await invoiceScheduleOf(owner)).toEqual([-3, 0, 3, 7, 14]);

  const patched = await call('PATCH', '/api/tenant', {
    token: owner.accessToken,
    json: { reminderScheduleDays: [-2, 0, 5], timezone: 'Europe/Paris' },
  });
  expect(patched.status).toBe(200);
  expect(patched.body).toMatchObject({
    name: 'Lumen Hair Studio',
    timezone: 'Europe/Paris',
    reminderScheduleDays: [-2, 0, 5],
  });
  expect(await invoiceScheduleOf(owner)).toEqual([-2, 0, 5]);
  expect(await invoiceScheduleOf(owner, [1, 2])).toEqual([1, 2]);
  // Another business keeps the default.
  expect(await invoiceScheduleOf(other)).toEqual([-3, 0, 3, 7, 14]);

  const reset = await call('PATCH', '/api/tenant', { token: owner.accessToken, json: { reminderScheduleDays: null } });
  expect(reset.body.reminderScheduleDays).toBeNull();
  expect(await invoiceScheduleOf(owner)).toEqual([-3, 0, 3, 7, 14]);

  const audit = await call('GET', `/api/audit?target=tenant:${owner.tenantId}&action=tenant.updated`, {
    token: owner.accessToken,
  });
  expect(audit.body.items).toHaveLength(2);
  expect((await call('GET', '/api/auth/me', { token: owner.accessToken })).body.tenant).toMatchObject({
    reminderScheduleDays: null,
    timezone: 'Europe/Paris',
  });
});

it('only the owner changes it; bad values are refused naming the field', async () => {
  const admin = await createUser(api.server, owner, 'admin');
  expect((await call('GET', '/api/tenant', { token: admin.accessToken })).status).toBe(200);
  expect((await call('PATCH', '/api/tenant', { token: admin.accessToken, json: { name: 'Taken over' } })).status).toBe(
    403,
  );

  const cases: [unknown, string][] = [
    [{ reminderScheduleDays: [0, 0] }, 'reminderScheduleDays'],
    [{ reminderScheduleDays: [] }, 'reminderScheduleDays'],
    [{ reminderScheduleDays: [1.5] }, 'reminderScheduleDays.0'],
    [{ timezone: 'Mars/Olympus' }, 'timezone'],
    [{ name: '' }, 'name'],
    [{ plan: 'gold' }, ''],
  ];
  for (const [json, path] of cases) {
    const res = await call('PATCH', '/api/tenant', { token: owner.accessToken, json });
    expect({ json, status: res.status }).toEqual({ json, status: 422 });
    if (path) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  }
  expect((await call('PATCH', '/api/tenant', { token: owner.accessToken, json: {} })).status).toBe(422);
  expect((await call('GET', '/api/tenant', { token: owner.accessToken })).body.name).toBe('Lumen Hair Studio');
});
