// GET /api/metrics (a business's own figures) and GET /metrics (Prometheus, for ops), on the real
// API, Postgres and Temporal server. The workflows the routes start wait on a task queue no worker
// polls here, so the figures only move through what the routes themselves record.
import { startApi, type RunningApi } from '../helpers/api';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { request } from '../helpers/http';

let api: RunningApi;
let owner: SignedInUser;
let other: SignedInUser;
const METRICS_TOKEN = 'a-metrics-token-for-this-test';

beforeAll(async () => {
  api = await startApi({ METRICS_TOKEN, TEMPORAL_TASK_QUEUE: 'metrics-test-unpolled' });
  owner = await registerTenant(api.server, { businessName: 'Figures Salon' });
  other = await registerTenant(api.server, { businessName: 'Other Salon' });
});

afterAll(() => api?.close());

const call = (method: string, path: string, options: Parameters<typeof request>[3] = {}) =>
  request(api.server, method, path, options);
const figures = async (user: SignedInUser) => {
  const res = await call('GET', '/api/metrics', { token: user.accessToken });
  expect(res.status).toBe(200);
  return res.body;
};

it("counts a business's invoices, money, emails and texts, and nothing of another business", async () => {
  const empty = await figures(owner);
  expect(empty).toEqual({
    invoices: { open: 0, overdue: 0, paid: 0, void: 0, uncollectible: 0, collected: [], outstanding: [] },
    reminders: { sent: 0, email: 0, sms: 0 },
    emails: { queued: 0, sent: 0, failed: 0, retried: 0 },
    sms: { sent: 0, delivered: 0, failed: 0, received: 0 },
    unsafeThreads: { open: 0, resolved: 0 },
  });

  const client = await call('POST', '/api/clients', {
    token: owner.accessToken,
    json: { name: 'Ada', email: 'ada@example.com', phone: '+14155550123', smsConsent: true },
  });
  const invoice = (amountCents: number, currency: string) =>
    call('POST', '/api/invoices', {
      token: owner.accessToken,
      json: { clientId: client.body.id, amountCents, currency, dueDate: '2030-01-15', description: 'Haircut' },
    });
  const paid = await invoice(4500, 'usd');
  await invoice(3000, 'usd');
  await invoice(2000, 'eur');
  expect(
    (
      await call('POST', `/api/invoices/${paid.body.id}/mark-paid`, {
        token: owner.accessToken,
        json: { method: 'cash' },
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await call('POST', '/api/emails', {
        token: owner.accessToken,
        json: { to: 'ada@example.com', subject: 'Hi', text: 'Hello' },
      })
    ).status,
  ).toBe(202);
  expect(
    (await call('POST', '/api/sms', { token: owner.accessToken, json: { clientId: client.body.id, body: 'Hi' } }))
      .status,
  ).toBe(202);

  expect(await figures(owner)).toEqual({
    ...empty,
    invoices: {
      ...empty.invoices,
      open: 2,
      paid: 1,
      collected: [{ currency: 'usd', amountCents: 4500 }],
      outstanding: [
        { currency: 'eur', amountCents: 2000 },
        { currency: 'usd', amountCents: 3000 },
      ],
    },
    emails: { ...empty.emails, queued: 1 },
  });
  expect(await figures(other)).toEqual(empty);
  expect((await call('GET', '/api/metrics')).status).toBe(401);
});

describe('GET /metrics', () => {
  it('needs the METRICS_TOKEN', async () => {
    expect((await call('GET', '/metrics')).status).toBe(401);
    expect((await call('GET', '/metrics', { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    // A user's access token is not the metrics token.
    expect((await call('GET', '/metrics', { token: owner.accessToken })).status).toBe(401);
  });

  it('shows request latency by route template, workflow starts by type and webhook outcomes', async () => {
    const client = await call('POST', '/api/clients', { token: owner.accessToken, json: { name: 'Grace' } });
    await call('GET', `/api/clients/${client.body.id}`, { token: owner.accessToken });
    await call('POST', '/api/invoices', {
      token: owner.accessToken,
      json: { clientId: client.body.id, amountCents: 1000, currency: 'usd', dueDate: '2030-01-15', description: 'Cut' },
    });
    const forged = await call('POST', '/api/stripe/webhook', {
      raw: '{"id":"evt_1"}',
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': 't=1,v1=00' },
    });
    expect(forged.status).toBe(400);

    const res = await call('GET', '/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.text;
    // Labelled by the template, never by a path with an id in it.
    expect(text).toMatch(
      /frontdesk_http_request_duration_seconds_count\{method="GET",route="\/api\/clients\/:id",status="200"\} [1-9]/,
    );
    expect(text).not.toContain(client.body.id);
    expect(text).toMatch(/frontdesk_workflow_starts_total\{workflow_type="paymentReminder",outcome="started"\} [1-9]/);
    expect(text).toMatch(/frontdesk_webhook_outcomes_total\{provider="stripe",outcome="rejected"\} [1-9]/);
    expect(text).toMatch(/^frontdesk_process_cpu_user_seconds_total /m);
  });
});
