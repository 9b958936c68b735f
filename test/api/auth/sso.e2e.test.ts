// Team accounts end to end over HTTP: an owner invites, the invitee is emailed (the email
// workflow, Gmail as the sandbox speaks it) and joins by password or by signing in through the
// sandbox's OpenID Connect issuers (Google's and a generic one) with openid-client doing the code
// flow with PKCE, state and nonce. Every refusal is the login 401.
import { registerTenant, TEST_PASSWORD, uniqueEmail, type SignedInUser } from '../../helpers/auth';
import { startE2E, type E2E } from '../../helpers/e2e';
import { eventually } from '../../helpers/sandbox';

const LOGIN_MESSAGE = 'The email or password is incorrect';

let e2e: E2E;
let owner: SignedInUser;

beforeAll(async () => {
  e2e = await startE2E();
  owner = await registerTenant(e2e.server, { businessName: 'Team Salon' });
});

afterAll(() => e2e?.close());

/** The browser's part: open the issuer's consent (auto-approved), follow it back to the callback. */
async function ssoRedirect(provider: 'google' | 'oidc', email?: string): Promise<URL> {
  const start = await e2e.call(
    'GET',
    `/api/auth/sso/${provider}/start${email ? `?email=${encodeURIComponent(email)}` : ''}`,
  );
  expect(start.status).toBe(200);
  const consent = await fetch(start.body.authUrl, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location') as string);
  expect(back.pathname).toBe(`/api/auth/sso/${provider}/callback`);
  return back;
}

async function callback(back: URL) {
  return e2e.call('GET', `${back.pathname}${back.search}`);
}

async function signInBySso(provider: 'google' | 'oidc', email: string) {
  return callback(await ssoRedirect(provider, email));
}

async function invite(email: string, role: 'admin' | 'staff' | 'owner', by: SignedInUser = owner) {
  const res = await e2e.call('POST', '/api/users/invite', { token: by.accessToken, json: { email, role } });
  return res;
}

async function invitationLinkFor(email: string): Promise<string> {
  const mail = await eventually(async () => (await e2e.sandbox.sent('gmail')).find((m) => m.to === email), 30_000);
  const link = /https?:\/\/\S+\/accept-invite\?token=(\S+)/.exec(mail.text);
  expect(link).not.toBeNull();
  return decodeURIComponent(link![1]!);
}

async function me(accessToken: string) {
  return e2e.call('GET', '/api/auth/me', { token: accessToken });
}

it('invite → the invitee signs in with Google → a user with the invited role, audited', async () => {
  const email = uniqueEmail('stylist');
  const invited = await invite(email, 'staff');
  expect(invited.status).toBe(201);
  expect(invited.body).toEqual({
    id: expect.any(String),
    email,
    role: 'staff',
    status: 'pending',
    createdAt: expect.any(String),
    expiresAt: expect.any(String),
  });
  const hours = (Date.parse(invited.body.expiresAt) - Date.parse(invited.body.createdAt)) / 3_600_000;
  expect(Math.round(hours)).toBe(72);

  // The email went out through the email workflow with the link in it.
  const mail = await eventually(async () => (await e2e.sandbox.sent('gmail')).find((m) => m.to === email), 30_000);
  expect(mail.subject).toBe('You are invited to join Team Salon on Frontdesk');
  await invitationLinkFor(email);

  const res = await signInBySso('google', email);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    accessToken: expect.any(String),
    refreshToken: expect.any(String),
    expiresIn: 900,
    tokenType: 'Bearer',
  });
  const who = await me(res.body.accessToken);
  expect(who.body.user).toMatchObject({ email, role: 'staff' });
  expect(who.body.tenant.id).toBe(owner.tenantId);

  // Spent: listed as accepted, and the user signs in again by SSO as a known user.
  const list = await e2e.call('GET', '/api/users/invites', { token: owner.accessToken });
  expect(list.body.items.find((i: { id: string }) => i.id === invited.body.id)).toMatchObject({ status: 'accepted' });
  const again = await signInBySso('google', email);
  expect(again.status).toBe(200);
  const audit = await e2e.call('GET', `/api/audit?target=user:${who.body.user.id}&action=auth.sso_login`, {
    token: owner.accessToken,
  });
  expect(audit.body.items).toHaveLength(2);
  expect(audit.body.items[0].detail).toMatchObject({ provider: 'google' });

  // An SSO-only user has no password: a password login for them is the one 401.
  const pw = await e2e.call('POST', '/api/auth/login', { json: { email, password: TEST_PASSWORD } });
  expect(pw.status).toBe(401);
});

it('the generic issuer (discovery) signs in an invited admin the same way', async () => {
  const email = uniqueEmail('manager');
  expect((await invite(email, 'admin')).status).toBe(201);
  const res = await signInBySso('oidc', email);
  expect(res.status).toBe(200);
  expect((await me(res.body.accessToken)).body.user).toMatchObject({ email, role: 'admin' });
});

it('accepts an invitation by password once; a spent, revoked or forged link is 404', async () => {
  const email = uniqueEmail('reception');
  expect((await invite(email, 'staff')).status).toBe(201);
  const token = await invitationLinkFor(email);
  const accepted = await e2e.call('POST', '/api/auth/accept-invite', {
    json: { token, password: 'a brand new passphrase' },
  });
  expect(accepted.status).toBe(201);
  expect(accepted.body.user).toMatchObject({ email, role: 'staff' });
  expect((await me(accepted.body.accessToken)).body.tenant.id).toBe(owner.tenantId);
  const login = await e2e.call('POST', '/api/auth/login', { json: { email, password: 'a brand new passphrase' } });
  expect(login.status).toBe(200);

  const spent = await e2e.call('POST', '/api/auth/accept-invite', { json: { token, password: 'another passphrase!' } });
  expect(spent.status).toBe(404);

  const other = uniqueEmail('revoked');
  const invited = await invite(other, 'staff');
  const otherToken = await invitationLinkFor(other);
  expect((await e2e.call('DELETE', `/api/users/invites/${invited.body.id}`, { token: owner.accessToken })).status).toBe(
    204,
  );
  expect((await e2e.call('DELETE', `/api/users/invites/${invited.body.id}`, { token: owner.accessToken })).status).toBe(
    409,
  );
  expect(
    (
      await e2e.call('POST', '/api/auth/accept-invite', {
        json: { token: otherToken, password: 'a brand new passphrase' },
      })
    ).status,
  ).toBe(404);
  // Revoked also for SSO: the email has no account and no pending invitation.
  const sso = await signInBySso('google', other);
  expect(sso.status).toBe(401);
  expect(sso.body.detail).toBe(LOGIN_MESSAGE);

  const forged = await e2e.call('POST', '/api/auth/accept-invite', {
    json: { token: `${owner.tenantId}.${'x'.repeat(43)}`, password: 'a brand new passphrase' },
  });
  expect(forged.status).toBe(404);
});

it('refuses an invitation for an email that already has an account, and an owner invite by an admin', async () => {
  const taken = await invite(owner.email, 'staff');
  expect(taken.status).toBe(409);
  expect(taken.body.errors).toEqual([expect.objectContaining({ path: 'email' })]);

  const adminEmail = uniqueEmail('admin');
  await invite(adminEmail, 'admin');
  const admin = await signInBySso('google', adminEmail);
  const byAdmin = await e2e.call('POST', '/api/users/invite', {
    token: admin.body.accessToken,
    json: { email: uniqueEmail('o'), role: 'owner' },
  });
  expect(byAdmin.status).toBe(403);
  const staffByAdmin = await e2e.call('POST', '/api/users/invite', {
    token: admin.body.accessToken,
    json: { email: uniqueEmail('s'), role: 'staff' },
  });
  expect(staffByAdmin.status).toBe(201);
});

describe('every bad sign-in is the one login 401', () => {
  it('an unknown email (no account, no invitation)', async () => {
    const res = await signInBySso('google', uniqueEmail('stranger'));
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe(LOGIN_MESSAGE);
  });

  it('a forged state, a missing state, a state for the other provider', async () => {
    const back = await ssoRedirect('google', owner.email);
    const forged = new URL(back);
    forged.searchParams.set('state', 'gAAAAAB-not-a-state-this-server-sealed');
    expect((await callback(forged)).status).toBe(401);
    const none = new URL(back);
    none.searchParams.delete('state');
    expect((await callback(none)).status).toBe(401);
    const crossed = new URL(back);
    crossed.pathname = '/api/auth/sso/oidc/callback';
    expect((await callback(crossed)).status).toBe(401);
  });

  it('a replayed callback (the code is single use)', async () => {
    const back = await ssoRedirect('google', owner.email);
    expect((await callback(back)).status).toBe(200);
    const replay = await callback(back);
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toBe(LOGIN_MESSAGE);
  });

  it.each([
    ['wrong-nonce', 'google'],
    ['wrong-issuer', 'google'],
    ['wrong-audience', 'oidc'],
    ['wrong-signer', 'oidc'],
    ['unverified-email', 'google'],
  ] as const)('an id_token with %s (%s)', async (quirk, provider) => {
    const back = await ssoRedirect(provider, owner.email);
    expect((await e2e.sandbox.control('POST', '/_sandbox/oidc/next-token', { quirk })).status).toBe(201);
    const res = await callback(back);
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe(LOGIN_MESSAGE);
    // The same sign-in unspoiled works: it was the token that was refused.
    expect((await signInBySso(provider, owner.email)).status).toBe(200);
  });

  it('an unconfigured provider name is 422 naming it', async () => {
    const res = await e2e.call('GET', '/api/auth/sso/github/start');
    expect(res.status).toBe(422);
  });
});

it('a tenant that requires SSO refuses a staff password (the one 401) but not the owner; SSO still works', async () => {
  const team = await registerTenant(e2e.server, { businessName: 'SSO Only Studio' });
  const staffEmail = uniqueEmail('staff');
  const created = await e2e.call('POST', '/api/users', {
    token: team.accessToken,
    json: { email: staffEmail, password: TEST_PASSWORD, role: 'staff' },
  });
  expect(created.status).toBe(201);
  expect(
    (await e2e.call('POST', '/api/auth/login', { json: { email: staffEmail, password: TEST_PASSWORD } })).status,
  ).toBe(200);

  const patched = await e2e.call('PATCH', '/api/tenant', { token: team.accessToken, json: { ssoRequired: true } });
  expect(patched.status).toBe(200);
  expect(patched.body.ssoRequired).toBe(true);

  const refused = await e2e.call('POST', '/api/auth/login', { json: { email: staffEmail, password: TEST_PASSWORD } });
  expect(refused.status).toBe(401);
  expect(refused.body.detail).toBe(LOGIN_MESSAGE);
  expect(
    (await e2e.call('POST', '/api/auth/login', { json: { email: team.email, password: TEST_PASSWORD } })).status,
  ).toBe(200);
  expect((await signInBySso('oidc', staffEmail)).status).toBe(200);
  const audit = await e2e.call(
    'GET',
    `/api/audit?target=user:${created.body.id}&action=auth.login_refused_sso_required`,
    { token: team.accessToken },
  );
  expect(audit.body.items).toHaveLength(1);
});

it('removing a user stops their refresh token at once; an owner cannot remove themselves', async () => {
  const email = uniqueEmail('leaver');
  await invite(email, 'staff');
  const signedIn = await signInBySso('google', email);
  const userId = (await me(signedIn.body.accessToken)).body.user.id as string;
  const refreshed = await e2e.call('POST', '/api/auth/refresh', { json: { refreshToken: signedIn.body.refreshToken } });
  expect(refreshed.status).toBe(200);

  expect((await e2e.call('DELETE', `/api/users/${userId}`, { token: owner.accessToken })).status).toBe(204);
  const after = await e2e.call('POST', '/api/auth/refresh', { json: { refreshToken: refreshed.body.refreshToken } });
  expect(after.status).toBe(401);
  expect((await e2e.call('GET', `/api/users/${userId}`, { token: owner.accessToken })).status).toBe(404);
  expect((await signInBySso('google', email)).status).toBe(401);
  expect((await e2e.call('DELETE', `/api/users/${owner.userId}`, { token: owner.accessToken })).status).toBe(409);
});
