// With Temporal unreachable (its connection cut through a proxy, the shared server untouched),
// every route that starts or lists workflows answers a 503 problem+json naming Temporal, with
// Retry-After, once the request's Temporal deadline passes, and stores nothing half-done.
import type { Client } from '@temporalio/client';
import type { DatabasePool } from 'slonik';
import { createApp } from '../../src/api/app';
import { createLogger } from '../../src/observability/logger';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { testConfig } from '../helpers/config';
import { createAppPool } from '../helpers/db';
import { listen, request, type TestServer } from '../helpers/http';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { connectClient } from '../helpers/temporal';

let proxy: TcpProxy;
let temporal: Client;
let pool: DatabasePool;
let server: TestServer;
let owner: SignedInUser;
let clientId: string;

beforeAll(async () => {
  const [host, port] = (process.env.TEMPORAL_ADDRESS as string).split(':');
  proxy = await startTcpProxy({ host: host as string, port: Number(port) });
  // A short request deadline keeps the test quick; the default (5 s) is the same mechanism.
  const config = testConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${proxy.port}`, TEMPORAL_REQUEST_DEADLINE_MS: '1500' });
  temporal = await connectClient(config);
  pool = await createAppPool();
  server = await listen(
    createApp({ config, pool, temporal, logger: createLogger({ name: 'test', level: 'silent', pretty: false }) }),
  );
  owner = await registerTenant(server);
  const client = await request(server, 'POST', '/api/clients', {
    token: owner.accessToken,
    json: { name: 'Grace Hopper', email: 'grace@example.com', phone: '+1 202 555 0143', smsConsent: true },
  });
  clientId = client.body.id;
  await proxy.cut();
});
afterAll(async () => {
  await server.close();
  await pool.end();
  await temporal.connection.close().catch(() => undefined);
});

const list = async (path: string) =>
  (await request(server, 'GET', path, { token: owner.accessToken })).body.items as unknown[];

it.each([
  ['an email', '/api/emails', '/api/emails', () => ({ to: 'ada@example.com', subject: 'Hello', text: 'Hi there' })],
  [
    'an invoice',
    '/api/invoices',
    '/api/invoices',
    () => ({ clientId, amountCents: 4500, currency: 'usd', dueDate: '2027-01-15', description: 'Cut and colour' }),
  ],
  ['a text', '/api/sms', '/api/sms', () => ({ clientId, body: 'See you Tuesday' })],
])('%s: 503 naming Temporal, with Retry-After, and nothing stored', async (_what, path, listPath, body) => {
  const before = await list(listPath);
  const res = await request(server, 'POST', path, { token: owner.accessToken, json: body() });
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['retry-after']).toBe('5');
  expect(res.body).toMatchObject({ status: 503, detail: expect.stringContaining('Temporal') });
  expect(await list(listPath)).toHaveLength(before.length);
});

it('listing workflows: 503, not a 500', async () => {
  const res = await request(server, 'GET', '/api/workflows', { token: owner.accessToken });
  expect(res.status).toBe(503);
  expect(res.body.detail).toContain('Temporal');
});
