// With Postgres unreachable, signed-in routes answer 503 problem+json (never a 500 or a hang),
// and so do the routes that reach the database outside a signed-in request (sign-in, webhooks);
// rate limits fall back to per-instance counting, and the system status says db.ok: false.
import Stripe from 'stripe';
import { startApi, type RunningApi } from '../helpers/api';
import { registerTenant } from '../helpers/auth';
import { request } from '../helpers/http';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

let proxy: TcpProxy;
let api: RunningApi;
beforeAll(async () => {
  const real = new URL(process.env.DATABASE_URL as string);
  proxy = await startTcpProxy({ host: real.hostname, port: Number(real.port) });
  real.port = String(proxy.port);
  api = await startApi({ DATABASE_URL: real.toString() });
});
afterAll(async () => {
  await api.close().catch(() => undefined);
});

it('answers 503 naming the database, and reports it in the system status', async () => {
  const owner = await registerTenant(api.server);
  expect((await request(api.server, 'GET', '/api/clients', { token: owner.accessToken })).status).toBe(200);
  await proxy.cut();

  const res = await request(api.server, 'GET', '/api/clients', { token: owner.accessToken });
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body.detail).toMatch(/database/i);

  const status = await request(api.server, 'GET', '/api/system/status', { token: owner.accessToken });
  expect(status.status).toBe(200);
  expect(status.body.db).toEqual({ ok: false });
});

it('answers 503 too where no tenant transaction wraps the request: sign-in and the Stripe webhook', async () => {
  const login = await request(api.server, 'POST', '/api/auth/login', {
    json: { email: 'someone@test.example', password: 'a long test passphrase' },
  });
  expect(login.status).toBe(503);
  expect(login.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(login.body.detail).toMatch(/database/i);

  // Signed as Stripe signs: past the signature check, the event needs the database. A 5xx makes
  // Stripe deliver it again later.
  const payload = JSON.stringify({
    id: 'evt_dbdown',
    object: 'event',
    type: 'charge.refunded',
    data: { object: { object: 'charge', id: 'ch_1', payment_intent: 'pi_1', amount_refunded: 100 } },
  });
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: api.config.stripe.webhookSecret as string,
  });
  const webhook = await request(api.server, 'POST', '/api/stripe/webhook', {
    raw: payload,
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
  });
  expect(webhook.status).toBe(503);
  expect(webhook.body.detail).toMatch(/database/i);
});
