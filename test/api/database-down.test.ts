// With Postgres unreachable, signed-in routes answer 503 problem+json (never a 500 or a hang),
// rate limits fall back to per-instance counting, and the system status says db.ok: false.
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
