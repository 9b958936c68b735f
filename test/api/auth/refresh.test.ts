// Refresh tokens rotate on every use; a spent one presented again revokes its whole family.
import { startApi, type RunningApi } from '../../helpers/api';
import { login, registerTenant, type SignedInUser } from '../../helpers/auth';
import { request } from '../../helpers/http';

let api: RunningApi;
let owner: SignedInUser;
beforeAll(async () => {
  api = await startApi();
  owner = await registerTenant(api.server);
});
afterAll(() => api.close());

const refresh = (refreshToken: string) => request(api.server, 'POST', '/api/auth/refresh', { json: { refreshToken } });

it('exchanges a refresh token for a new pair, once', async () => {
  const session = await login(api.server, owner.email);
  const first = await refresh(session.refreshToken);
  expect(first.status).toBe(200);
  expect(first.body).toEqual({
    accessToken: expect.any(String),
    refreshToken: expect.any(String),
    expiresIn: 900,
    tokenType: 'Bearer',
  });
  expect(first.body.refreshToken).not.toBe(session.refreshToken);
  expect((await request(api.server, 'GET', '/api/auth/me', { token: first.body.accessToken })).status).toBe(200);
  const second = await refresh(first.body.refreshToken);
  expect(second.status).toBe(200);
});

it('revokes the whole family when a spent token comes back, and leaves other sessions alone', async () => {
  const stolen = await login(api.server, owner.email);
  const otherDevice = await login(api.server, owner.email);
  const legit = await refresh(stolen.refreshToken); // the owner refreshes: the old token is spent
  expect(legit.status).toBe(200);

  const replay = await refresh(stolen.refreshToken); // the thief replays the spent token
  expect(replay.status).toBe(401);
  expect(replay.headers['content-type']).toMatch(/application\/problem\+json/);
  // The token the owner got from the legitimate refresh is revoked with its family.
  expect((await refresh(legit.body.refreshToken)).status).toBe(401);
  // A session started by another login is another family.
  expect((await refresh(otherDevice.refreshToken)).status).toBe(200);

  const audit = await request(api.server, 'GET', '/api/audit?action=auth.refresh_token_reused', {
    token: owner.accessToken,
  });
  expect(audit.body.items).toHaveLength(1);
  expect(audit.body.items[0]).toMatchObject({
    actorId: owner.userId,
    target: `user:${owner.userId}`,
    detail: { revokedTokens: 2 },
  });
});

it('serialises two refreshes racing with one token: one wins, the family is revoked', async () => {
  const session = await login(api.server, owner.email);
  const [a, b] = await Promise.all([refresh(session.refreshToken), refresh(session.refreshToken)]);
  expect([a.status, b.status].sort()).toEqual([200, 401]);
  const winner = a.status === 200 ? a : b;
  expect((await refresh(winner.body.refreshToken)).status).toBe(401);
});

it('signs out: 204, and the refresh token no longer works', async () => {
  const session = await login(api.server, owner.email);
  const out = await request(api.server, 'POST', '/api/auth/logout', { json: { refreshToken: session.refreshToken } });
  expect(out.status).toBe(204);
  expect((await refresh(session.refreshToken)).status).toBe(401);
  // Signing out twice, or with a token we never issued, is still 204.
  expect(
    (await request(api.server, 'POST', '/api/auth/logout', { json: { refreshToken: session.refreshToken } })).status,
  ).toBe(204);
  expect((await request(api.server, 'POST', '/api/auth/logout', { json: { refreshToken: 'made-up' } })).status).toBe(
    204,
  );
});

it('answers 401 to tokens that were never issued and 422 without one', async () => {
  expect((await refresh(`${owner.tenantId}.${'A'.repeat(43)}`)).status).toBe(401);
  expect((await refresh('garbage')).status).toBe(401);
  const missing = await request(api.server, 'POST', '/api/auth/refresh', { json: {} });
  expect(missing.status).toBe(422);
  expect(missing.body.errors).toEqual([{ path: 'refreshToken', message: 'Required' }]);
});
