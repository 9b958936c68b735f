// Access tokens: only HS256 with our key, issuer and audience, unexpired, gets in.
import { randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { startApi, type RunningApi } from '../../helpers/api';
import { registerTenant, type SignedInUser } from '../../helpers/auth';
import { request } from '../../helpers/http';
import { pollUntil } from '../../helpers/eventually';

let api: RunningApi;
let owner: SignedInUser;
beforeAll(async () => {
  api = await startApi();
  owner = await registerTenant(api.server);
});
afterAll(() => api.close());

function token(
  overrides: {
    subject?: string;
    secret?: string;
    issuer?: string;
    audience?: string;
    expiresAt?: number;
    alg?: string;
    claims?: Record<string, unknown>;
  } = {},
) {
  const auth = api.config.auth;
  return new SignJWT({ tid: owner.tenantId, role: 'owner', ...overrides.claims })
    .setProtectedHeader({ alg: overrides.alg ?? 'HS256' })
    .setSubject(overrides.subject ?? owner.userId)
    .setIssuer(overrides.issuer ?? auth.jwtIssuer)
    .setAudience(overrides.audience ?? auth.jwtAudience)
    .setIssuedAt()
    .setExpirationTime(overrides.expiresAt ?? Math.floor(Date.now() / 1000) + 600)
    .sign(new TextEncoder().encode(overrides.secret ?? auth.jwtSecret));
}

async function me(bearer: string | undefined, rawHeader?: string) {
  const headers: Record<string, string> = {};
  if (rawHeader !== undefined) headers.Authorization = rawHeader;
  return request(api.server, 'GET', '/api/auth/me', { ...(bearer ? { token: bearer } : {}), headers });
}

it('accepts a token it signed, with the contract claims', async () => {
  const [, payload] = owner.accessToken.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
  expect(claims).toMatchObject({
    sub: owner.userId,
    tid: owner.tenantId,
    role: 'owner',
    iss: 'frontdesk',
    aud: 'frontdesk-api',
  });
  expect(claims.exp - claims.iat).toBe(900);
  expect((await me(owner.accessToken)).status).toBe(200);
  expect((await me(await token())).status).toBe(200);
});

const rejected: [string, () => Promise<string>][] = [
  ['an expired token', () => token({ expiresAt: Math.floor(Date.now() / 1000) - 5 })],
  ['a token signed with another key', () => token({ secret: 'another-secret-that-is-at-least-32-characters' })],
  [
    'an unsigned token (alg: none)',
    async () =>
      new UnsecuredJWT({ tid: owner.tenantId, role: 'owner' })
        .setSubject(owner.userId)
        .setIssuer(api.config.auth.jwtIssuer)
        .setAudience(api.config.auth.jwtAudience)
        .setIssuedAt()
        .setExpirationTime('10m')
        .encode(),
  ],
  ['a token for another audience', () => token({ audience: 'someone-else' })],
  ['a token from another issuer', () => token({ issuer: 'evil' })],
  ['an HS512 token (algorithm not pinned)', () => token({ alg: 'HS512' })],
  ['a token with an unknown role', () => token({ claims: { role: 'superuser' } })],
  ['a token without a tenant', () => token({ claims: { tid: undefined } })],
  ['garbage', async () => 'not.a.jwt'],
];

it.each(rejected)('answers 401 problem+json to %s', async (_name, make) => {
  const res = await me(await make());
  expect(res.status).toBe(401);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
});

it('answers 401 with no token and with a header that is not Bearer', async () => {
  expect((await me(undefined)).status).toBe(401);
  expect((await me(undefined, `Basic ${Buffer.from('a:b').toString('base64')}`)).status).toBe(401);
});

it('answers 401 when the token names a user that does not exist', async () => {
  expect((await me(await token({ subject: randomUUID() }))).status).toBe(401);
});

it('refuses a token once it has expired, also after it was accepted (verified tokens are remembered only until their exp)', async () => {
  const expiresAt = Math.floor(Date.now() / 1000) + 2;
  const shortLived = await token({ expiresAt });
  expect((await me(shortLived)).status).toBe(200);
  expect((await me(shortLived)).status).toBe(200);
  const refused = await pollUntil(
    'the token to expire',
    () => me(shortLived),
    (r) => r.status !== 200,
  );
  expect(Date.now()).toBeGreaterThanOrEqual(expiresAt * 1000);
  expect(refused.status).toBe(401);
  expect(refused.body.detail).toBe('The access token has expired');
});
