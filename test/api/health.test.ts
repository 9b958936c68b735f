import type { Client } from '@temporalio/client';
import type { DatabasePool } from 'slonik';
import { createApp } from '../../src/api/app';
import { createLogger } from '../../src/observability/logger';
import { createAppPool } from '../helpers/db';
import { testConfig } from '../helpers/config';
import { connectClient } from '../helpers/temporal';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { request, type TestServer, listen } from '../helpers/http';

const logger = createLogger({ name: 'test', level: 'silent', pretty: false });
let temporal: Client;

beforeAll(async () => {
  temporal = await connectClient();
});
afterAll(() => temporal.connection.close());

describe('health with every dependency up', () => {
  let pool: DatabasePool;
  let server: TestServer;
  beforeAll(async () => {
    pool = await createAppPool();
    server = await listen(createApp({ config: testConfig(), pool, temporal, logger }));
  });
  afterAll(async () => {
    await server.close();
    await pool.end();
  });

  it('answers 200 with db, temporal and encryption ok', async () => {
    const res = await request(server, 'GET', '/api/health/');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      checks: { db: 'ok', temporal: 'ok', encryption: 'ok' },
      version: expect.any(String),
    });
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('answers liveness with 200 ok', async () => {
    const res = await request(server, 'GET', '/api/health/live');
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('reports database latency', async () => {
    const res = await request(server, 'GET', '/api/health/db');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', latencyMs: expect.any(Number) });
  });

  it('round-trips the encryption key', async () => {
    const res = await request(server, 'GET', '/api/health/encryption');
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('echoes a sane caller request id and replaces an unsafe one', async () => {
    const kept = await request(server, 'GET', '/api/health/encryption', { headers: { 'X-Request-Id': 'abc-123' } });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await request(server, 'GET', '/api/health/encryption', {
      headers: { 'X-Request-Id': 'evil id <script>alert(1)</script>' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a problem+json 404', async () => {
    const res = await request(server, 'GET', '/api/nope');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, title: 'Not found', requestId: res.headers['x-request-id'] });
  });

  it('answers malformed JSON with 400, a non-JSON body with 415, an oversized body with 413', async () => {
    const bad = await request(server, 'POST', '/api/anything', {
      raw: '{"a":',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(bad).toMatchObject({ status: 400, body: { status: 400, detail: expect.stringMatching(/JSON/) } });
    const form = await request(server, 'POST', '/api/anything', {
      raw: 'a=1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(form).toMatchObject({ status: 415, body: { status: 415 } });
    const huge = await request(server, 'POST', '/api/anything', {
      raw: JSON.stringify({ x: 'y'.repeat(1_100_000) }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(huge).toMatchObject({ status: 413, body: { status: 413 } });
  });

  it('sets security headers', async () => {
    const res = await request(server, 'GET', '/api/health/encryption');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
  });
});

describe('health with Postgres down', () => {
  let proxy: TcpProxy;
  let pool: DatabasePool;
  let server: TestServer;
  beforeAll(async () => {
    const real = new URL(process.env.DATABASE_URL as string);
    proxy = await startTcpProxy({ host: real.hostname, port: Number(real.port) });
    real.port = String(proxy.port);
    pool = await createAppPool(real.toString());
    server = await listen(createApp({ config: testConfig(), pool, temporal, logger }));
  });
  afterAll(async () => {
    await server.close();
    await pool.end().catch(() => undefined);
  });

  it('answers 503 naming db, and recovers nothing it should not', async () => {
    expect((await request(server, 'GET', '/api/health/')).status).toBe(200);
    await proxy.cut();
    const res = await request(server, 'GET', '/api/health/');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'fail', checks: { db: 'fail', temporal: 'ok', encryption: 'ok' } });
    const db = await request(server, 'GET', '/api/health/db');
    expect(db).toMatchObject({ status: 503, body: { status: 'fail' } });
    // The process is alive all the same: liveness touches no dependency.
    const live = await request(server, 'GET', '/api/health/live');
    expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});
