// The sandbox's OpenID Connect issuers over HTTP, as an OIDC client sees them: discovery, an
// auto-approving authorize for login_hint, a token endpoint that checks the client, the redirect
// URI and PKCE and spends a code once, and an id_token that verifies against the published JWKS.
import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { type SandboxHarness, startTestSandbox } from '../helpers/sandbox';

let h: SandboxHarness;

beforeAll(async () => {
  h = await startTestSandbox();
});
afterAll(() => h.close());

const REDIRECT = 'http://localhost:3999/api/auth/sso/oidc/callback';

async function authorize(issuerMeta: any, verifier: string, extra: Record<string, string> = {}) {
  const url = new URL(issuerMeta.authorization_endpoint);
  const params = {
    client_id: 'sandbox-oidc-client',
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid email',
    state: 'st-1',
    nonce: 'n-1',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    login_hint: 'Person@Company.example',
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  return new URL(res.headers.get('location') as string);
}

async function token(issuerMeta: any, code: string, verifier: string) {
  const res = await fetch(issuerMeta.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      client_id: 'sandbox-oidc-client',
      client_secret: 'sandbox-oidc-secret',
    }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

it.each([
  ['google', ''],
  ['generic', '/oidc'],
])(
  'the %s issuer: discovery, consent for login_hint, PKCE-checked single-use code, verifiable id_token',
  async (_name, suffix) => {
    const issuer = `${h.url}${suffix}`;
    const meta: any = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    expect(meta).toMatchObject({
      issuer,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
    });

    const verifier = randomBytes(32).toString('base64url');
    const back = await authorize(meta, verifier);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code') as string;

    // A wrong verifier spends the code without a token.
    const wrong = await token(meta, code, randomBytes(32).toString('base64url'));
    expect(wrong).toEqual({ status: 400, body: expect.objectContaining({ error: 'invalid_grant' }) });
    expect((await token(meta, code, verifier)).status).toBe(400);

    const fresh = await authorize(meta, verifier);
    const ok = await token(meta, fresh.searchParams.get('code') as string, verifier);
    expect(ok.status).toBe(200);
    const { payload } = await jwtVerify(ok.body.id_token, createRemoteJWKSet(new URL(meta.jwks_uri)), {
      issuer,
      audience: 'sandbox-oidc-client',
    });
    expect(payload).toMatchObject({ email: 'person@company.example', email_verified: true, nonce: 'n-1' });
  },
);

it('refuses a plain PKCE challenge, and a spoil request it does not know', async () => {
  const meta: any = await (await fetch(`${h.url}/oidc/.well-known/openid-configuration`)).json();
  const back = await authorize(meta, 'v'.repeat(43), { code_challenge_method: 'plain' });
  expect(back.searchParams.get('error')).toBe('invalid_request');
  expect((await h.control('POST', '/_sandbox/oidc/next-token', { quirk: 'sideways' })).status).toBe(400);
});
