// Rate limits per tenant and per IP, counted in Postgres: 429 problem+json with Retry-After and
// RateLimit headers, then recovery once the window passes. Limits are checked within minute-long
// windows, so a slow machine cannot let a window pass mid-test; recovery is checked on its own,
// with one point in a short window, polling with a deadline rather than sleeping a fixed time.
import { startApi, type RunningApi } from '../helpers/api';
import { registerTenant } from '../helpers/auth';
import { request } from '../helpers/http';
import { pollUntil } from '../helpers/eventually';

const uniqueIp = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

describe('per tenant', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_TENANT_POINTS: '3', RATE_LIMIT_TENANT_WINDOW_SECONDS: '60' });
  });
  afterAll(() => api.close());

  it('answers 429 once the tenant spent its points, with the headers; another tenant is unaffected', async () => {
    const owner = await registerTenant(api.server);
    const other = await registerTenant(api.server);
    const me = (token: string) => request(api.server, 'GET', '/api/auth/me', { token });

    const first = await me(owner.accessToken);
    expect(first.status).toBe(200);
    expect(first.headers['ratelimit-limit']).toBe('3');
    expect(first.headers['ratelimit-remaining']).toBe('2');
    expect(first.headers['ratelimit-policy']).toBe('3;w=60');
    expect((await me(owner.accessToken)).status).toBe(200);
    expect((await me(owner.accessToken)).status).toBe(200);

    const limited = await me(owner.accessToken);
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(limited.body).toMatchObject({ status: 429, title: 'Too many requests' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers['ratelimit-remaining']).toBe('0');

    // Another tenant has its own budget.
    expect((await me(other.accessToken)).status).toBe(200);
  });

  it('lets the tenant in again once the window has passed', async () => {
    const short = await startApi({ RATE_LIMIT_TENANT_POINTS: '1', RATE_LIMIT_TENANT_WINDOW_SECONDS: '5' });
    try {
      const owner = await registerTenant(short.server);
      const me = () => request(short.server, 'GET', '/api/auth/me', { token: owner.accessToken });
      expect((await me()).status).toBe(200);
      expect((await me()).status).toBe(429);
      const recovered = await pollUntil('the tenant window to pass', me, (r) => r.status !== 429);
      expect(recovered.status).toBe(200);
    } finally {
      await short.close();
    }
  });
});

describe('per IP', () => {
  it('counts one IP across every web instance (the store is Postgres)', async () => {
    const overrides = { RATE_LIMIT_IP_POINTS: '4', RATE_LIMIT_IP_WINDOW_SECONDS: '60', TRUST_PROXY_HOPS: '1' };
    const web1 = await startApi(overrides);
    const web2 = await startApi(overrides); // its own config, limiters and store pool
    try {
      const ip = uniqueIp();
      const health = (api: RunningApi, from = ip) =>
        request(api.server, 'GET', '/api/openapi.json', { headers: { 'X-Forwarded-For': from } });
      expect((await health(web1)).status).toBe(200);
      expect((await health(web2)).status).toBe(200);
      expect((await health(web1)).status).toBe(200);
      expect((await health(web2)).status).toBe(200);
      const limited = await health(web1);
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toBeDefined();
      expect((await health(web2)).status).toBe(429);
      // Another address is unaffected; health checks are never limited.
      expect((await health(web2, uniqueIp())).status).toBe(200);
      expect((await request(web1.server, 'GET', '/api/health/db', { headers: { 'X-Forwarded-For': ip } })).status).toBe(
        200,
      );
    } finally {
      await web1.close();
      await web2.close();
    }
  });

  it('lets the address in again once the window has passed', async () => {
    const api = await startApi({ RATE_LIMIT_IP_POINTS: '1', RATE_LIMIT_IP_WINDOW_SECONDS: '5', TRUST_PROXY_HOPS: '1' });
    try {
      const ip = uniqueIp();
      const openapi = () => request(api.server, 'GET', '/api/openapi.json', { headers: { 'X-Forwarded-For': ip } });
      expect((await openapi()).status).toBe(200);
      expect((await openapi()).status).toBe(429);
      const recovered = await pollUntil('the IP window to pass', openapi, (r) => r.status !== 429);
      expect(recovered.status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('by default trusts no proxy: a client writing X-Forwarded-For itself is still counted as itself', async () => {
    const api = await startApi({
      RATE_LIMIT_IP_POINTS: '2',
      RATE_LIMIT_IP_WINDOW_SECONDS: '60',
      TRUST_PROXY_HOPS: undefined,
    });
    try {
      expect(api.config.http.trustProxyHops).toBe(0);
      // Every request here comes from 127.0.0.1, whose count other tests share: the first ones may
      // already be limited, but were the header believed, each would be a fresh address.
      const statuses: number[] = [];
      for (let n = 1; n <= 4; n++) {
        statuses.push(
          (await request(api.server, 'GET', '/api/openapi.json', { headers: { 'X-Forwarded-For': uniqueIp() } }))
            .status,
        );
      }
      expect(statuses.slice(-2)).toEqual([429, 429]);
    } finally {
      await api.close();
    }
  });

  it('uses the address the trusted proxy saw, not one the client wrote into X-Forwarded-For', async () => {
    const api = await startApi({
      RATE_LIMIT_IP_POINTS: '2',
      RATE_LIMIT_IP_WINDOW_SECONDS: '60',
      TRUST_PROXY_HOPS: '1',
    });
    try {
      const proxySaw = uniqueIp();
      const spoof = (n: number) =>
        request(api.server, 'GET', '/api/openapi.json', {
          headers: { 'X-Forwarded-For': `192.0.2.${n}, ${proxySaw}` },
        });
      expect((await spoof(1)).status).toBe(200);
      expect((await spoof(2)).status).toBe(200);
      expect((await spoof(3)).status).toBe(429);
    } finally {
      await api.close();
    }
  });
});
