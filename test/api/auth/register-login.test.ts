// Sign-up and sign-in through HTTP: the contract's shapes and codes, one answer for every wrong
// login, and throttling of failed logins per account and per IP.
import { randomUUID } from 'node:crypto';
import { startApi, type RunningApi } from '../../helpers/api';
import { registerTenant, TEST_PASSWORD, uniqueEmail } from '../../helpers/auth';
import { request } from '../../helpers/http';
import { pollUntil } from '../../helpers/eventually';

let api: RunningApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const isProblem = (res: { headers: Record<string, string> }) =>
  /application\/problem\+json/.test(res.headers['content-type'] ?? '');

describe('POST /api/auth/register', () => {
  it('creates the business and its owner, signed in', async () => {
    const email = uniqueEmail('Owner');
    const res = await request(api.server, 'POST', '/api/auth/register', {
      json: {
        businessName: '  Lumen Hair Studio ',
        email: `  ${email.toUpperCase()} `,
        password: TEST_PASSWORD,
        timezone: 'Europe/Paris',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      tenant: {
        id: expect.any(String),
        name: 'Lumen Hair Studio',
        timezone: 'Europe/Paris',
        reminderScheduleDays: null,
        ssoRequired: false,
        createdAt: expect.any(String),
      },
      user: { id: expect.any(String), email: email.toLowerCase(), role: 'owner', createdAt: expect.any(String) },
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
      tokenType: 'Bearer',
    });
    const me = await request(api.server, 'GET', '/api/auth/me', { token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user: res.body.user, tenant: res.body.tenant });
  });

  it('answers 409 naming email when the email already has an account, in any letter case', async () => {
    const owner = await registerTenant(api.server);
    const res = await request(api.server, 'POST', '/api/auth/register', {
      json: { businessName: 'Copycat', email: owner.email.toUpperCase(), password: TEST_PASSWORD },
    });
    expect(res.status).toBe(409);
    expect(isProblem(res)).toBe(true);
    expect(res.body.errors).toEqual([{ path: 'email', message: 'is already registered' }]);
  });

  it('answers 422 listing every bad field', async () => {
    const res = await request(api.server, 'POST', '/api/auth/register', {
      json: { businessName: '', email: 'not-an-email', password: 'short', timezone: 'Mars/Olympus', plan: 'gold' },
    });
    expect(res.status).toBe(422);
    expect(isProblem(res)).toBe(true);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'businessName',
      'email',
      'password',
      'plan',
      'timezone',
    ]);
  });

  it('answers 403 when ALLOW_SIGNUP=false, and creates nothing', async () => {
    const closed = await startApi({ ALLOW_SIGNUP: 'false' });
    try {
      const email = uniqueEmail();
      const res = await request(closed.server, 'POST', '/api/auth/register', {
        json: { businessName: 'Nope', email, password: TEST_PASSWORD },
      });
      expect(res.status).toBe(403);
      expect(isProblem(res)).toBe(true);
      const login = await request(closed.server, 'POST', '/api/auth/login', {
        json: { email, password: TEST_PASSWORD },
      });
      expect(login.status).toBe(401);
    } finally {
      await closed.close();
    }
  });
});

describe('POST /api/auth/login', () => {
  it('signs in with the right password, whatever the email case', async () => {
    const owner = await registerTenant(api.server);
    const res = await request(api.server, 'POST', '/api/auth/login', {
      json: { email: owner.email.toUpperCase(), password: TEST_PASSWORD },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
      tokenType: 'Bearer',
    });
    const me = await request(api.server, 'GET', '/api/auth/me', { token: res.body.accessToken });
    expect(me.body.user.id).toBe(owner.userId);
  });

  it('gives the same 401 for a wrong password and for an unknown email', async () => {
    const owner = await registerTenant(api.server);
    const wrongPassword = await request(api.server, 'POST', '/api/auth/login', {
      json: { email: owner.email, password: 'not the password' },
    });
    const unknownEmail = await request(api.server, 'POST', '/api/auth/login', {
      json: { email: uniqueEmail(), password: TEST_PASSWORD },
    });
    const notAnEmail = await request(api.server, 'POST', '/api/auth/login', {
      json: { email: 'nobody', password: 'x' },
    });
    for (const res of [wrongPassword, unknownEmail, notAnEmail]) {
      expect(res.status).toBe(401);
      expect(isProblem(res)).toBe(true);
    }
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrongPassword.body)).toEqual(strip(unknownEmail.body));
    expect(strip(notAnEmail.body)).toEqual(strip(unknownEmail.body));
  });

  it('records failed and successful sign-ins in the audit log', async () => {
    const owner = await registerTenant(api.server);
    await request(api.server, 'POST', '/api/auth/login', { json: { email: owner.email, password: 'wrong password!' } });
    await request(api.server, 'POST', '/api/auth/login', { json: { email: owner.email, password: TEST_PASSWORD } });
    const audit = await request(api.server, 'GET', `/api/audit?target=user:${owner.userId}`, {
      token: owner.accessToken,
    });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['auth.login', 'auth.login_failed']);
    expect(audit.body.items[1].actorId).toBeNull();
  });
});

describe('login throttling', () => {
  const login = (api: RunningApi, email: string, password: string, ip: string) =>
    request(api.server, 'POST', '/api/auth/login', { json: { email, password }, headers: { 'X-Forwarded-For': ip } });
  const address = () => `198.51.100.${1 + Math.floor(Math.random() * 250)}`;

  it('a stranger guessing from one address is throttled there, and the owner still signs in from theirs', async () => {
    const throttled = await startApi({
      LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: '3',
      LOGIN_FAILURE_WINDOW_SECONDS: '600',
      TRUST_PROXY_HOPS: '1',
    });
    try {
      const owner = await registerTenant(throttled.server);
      const stranger = address();
      for (let i = 0; i < 3; i++)
        expect((await login(throttled, owner.email, 'wrong password!', stranger)).status).toBe(401);
      // Even the right password is refused from the stranger's address...
      const blocked = await login(throttled, owner.email, TEST_PASSWORD, stranger);
      expect(blocked.status).toBe(429);
      expect(isProblem(blocked)).toBe(true);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // ...but the owner, from anywhere else, is not locked out.
      expect((await login(throttled, owner.email, TEST_PASSWORD, address())).status).toBe(200);
    } finally {
      await throttled.close();
    }
  });

  it('an account guessed at from many addresses reaches its ceiling: throttled everywhere, the owner alerted once', async () => {
    const throttled = await startApi({
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '4',
      LOGIN_FAILURE_WINDOW_SECONDS: '600',
      TRUST_PROXY_HOPS: '1',
    });
    try {
      const owner = await registerTenant(throttled.server);
      for (let i = 0; i < 4; i++)
        expect((await login(throttled, owner.email, 'wrong password!', address())).status).toBe(401);
      expect((await login(throttled, owner.email, TEST_PASSWORD, address())).status).toBe(429);
      // Another account is not affected.
      const other = await registerTenant(throttled.server);
      expect((await login(throttled, other.email, TEST_PASSWORD, address())).status).toBe(200);

      const audit = await request(
        throttled.server,
        'GET',
        `/api/audit?target=user:${owner.userId}&action=auth.login_ceiling_reached`,
        { token: owner.accessToken },
      );
      expect(audit.body.items).toHaveLength(1);
      const alertId = audit.body.items[0].detail.alertEmailId as string;
      const alert = await request(throttled.server, 'GET', `/api/emails/${alertId}`, { token: owner.accessToken });
      expect(alert.status).toBe(200);
      expect(alert.body).toMatchObject({
        to: owner.email,
        subject: expect.stringContaining('throttled after 4 failed attempts'),
      });
      // Failures past the ceiling alert no one again.
      expect((await login(throttled, owner.email, 'wrong password!', address())).status).toBe(429);
      const again = await request(
        throttled.server,
        'GET',
        `/api/audit?target=user:${owner.userId}&action=auth.login_ceiling_reached`,
        { token: owner.accessToken },
      );
      expect(again.body.items).toHaveLength(1);
    } finally {
      await throttled.close();
    }
  });

  it('lets the address in again once the window has passed', async () => {
    const throttled = await startApi({
      LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: '1',
      LOGIN_FAILURE_WINDOW_SECONDS: '5',
      TRUST_PROXY_HOPS: '1',
    });
    try {
      const owner = await registerTenant(throttled.server);
      const from = address();
      expect((await login(throttled, owner.email, 'wrong password!', from)).status).toBe(401);
      expect((await login(throttled, owner.email, TEST_PASSWORD, from)).status).toBe(429);
      const recovered = await pollUntil(
        'the throttle to lift',
        () => login(throttled, owner.email, TEST_PASSWORD, from),
        (r) => r.status !== 429,
      );
      expect(recovered.status).toBe(200);
    } finally {
      await throttled.close();
    }
  });

  it('throttles one IP guessing at many accounts, unknown ones included', async () => {
    const throttled = await startApi({
      LOGIN_MAX_FAILURES_PER_IP: '3',
      LOGIN_FAILURE_WINDOW_SECONDS: '600',
      TRUST_PROXY_HOPS: '1',
    });
    try {
      const ip = `203.0.113.${1 + Math.floor(Math.random() * 250)}`;
      const owner = await registerTenant(throttled.server);
      const attempt = (email: string, password: string, from = ip) => login(throttled, email, password, from);
      expect((await attempt(uniqueEmail(), 'guess-1')).status).toBe(401);
      expect((await attempt(uniqueEmail(), 'guess-2')).status).toBe(401);
      expect((await attempt(owner.email, 'guess-3')).status).toBe(401);
      const blocked = await attempt(owner.email, TEST_PASSWORD);
      expect(blocked.status).toBe(429);
      expect(blocked.headers['retry-after']).toBeDefined();
      // The owner, from their own address, still gets in.
      expect((await attempt(owner.email, TEST_PASSWORD, `192.0.2.${randomUUID().charCodeAt(0) % 250}`)).status).toBe(
        200,
      );
    } finally {
      await throttled.close();
    }
  });
});
