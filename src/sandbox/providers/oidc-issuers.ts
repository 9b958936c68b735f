// The sandbox's OpenID Connect issuers: Google's (issuer = the sandbox's base URL, its consent at
// /o/oauth2/v2/auth and its token endpoint at /token, shared with the Gmail connection) and one
// generic issuer at /oidc (standing in for Entra, Okta…). Discovery, JWKS, an authorize that
// approves at once for the login_hint address, and a token endpoint that checks the client, the
// redirect URI and PKCE and answers a signed id_token.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { formBody, jsonBody, str } from '../body';
import type { Sandbox } from '../context';
import { ID_TOKEN_QUIRKS } from '../oidc';

export const SIGN_IN_DEFAULT_EMAIL = 'owner@frontdesk-sandbox.test';

function discoveryDocument(issuer: string, paths: { authorize: string; token: string; jwks: string }) {
  return {
    issuer,
    authorization_endpoint: `${issuer.replace(/\/oidc$/, '')}${paths.authorize}`,
    token_endpoint: `${issuer.replace(/\/oidc$/, '')}${paths.token}`,
    jwks_uri: `${issuer.replace(/\/oidc$/, '')}${paths.jwks}`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    claims_supported: ['aud', 'email', 'email_verified', 'exp', 'iat', 'iss', 'nonce', 'sub'],
    code_challenge_methods_supported: ['S256'],
    grant_types_supported: ['authorization_code'],
  };
}

export const GOOGLE_PATHS = { authorize: '/o/oauth2/v2/auth', token: '/token', jwks: '/oauth2/v3/certs' };
const GENERIC_PATHS = { authorize: '/oidc/authorize', token: '/oidc/token', jwks: '/oidc/jwks' };

/** Whether an authorize request is a sign-in (an openid scope) rather than the Gmail connection. */
export function isSignInRequest(scope: string): boolean {
  return scope.split(/\s+/).includes('openid');
}

/** The consent of a sign-in: approved at once, a code for login_hint (or the default address). */
export function approveSignIn(sb: Sandbox, ctx: Context, issuer: string): void {
  const q = ctx.query;
  const redirectUri = str(q.redirect_uri);
  if (!str(q.client_id) || !redirectUri || !/^https?:\/\//.test(redirectUri)) {
    ctx.status = 400;
    ctx.type = 'text/html';
    ctx.body = '<h1>400</h1><p>invalid_request (client_id and redirect_uri are required)</p>';
    return;
  }
  const target = new URL(redirectUri);
  const challengeMethod = str(q.code_challenge_method);
  if (str(q.response_type) !== 'code') {
    target.searchParams.set('error', 'unsupported_response_type');
  } else if (str(q.code_challenge) !== undefined && challengeMethod !== 'S256') {
    target.searchParams.set('error', 'invalid_request');
    target.searchParams.set('error_description', 'code_challenge_method must be S256');
  } else {
    const scope = str(q.scope) ?? '';
    const code = sb.signIns.issueCode({
      issuer,
      clientId: str(q.client_id) as string,
      redirectUri,
      email: (str(q.login_hint) ?? SIGN_IN_DEFAULT_EMAIL).toLowerCase(),
      nonce: str(q.nonce),
      codeChallenge: str(q.code_challenge),
      scope,
    });
    target.searchParams.set('code', code);
    target.searchParams.set('scope', scope);
  }
  const state = str(q.state);
  if (state !== undefined) target.searchParams.set('state', state);
  ctx.redirect(target.toString());
}

/** Client credentials from client_secret_post or client_secret_basic. */
function clientOf(ctx: Context, form: Record<string, unknown>): { id: string; secret: string } | null {
  const header = ctx.get('authorization');
  if (header.startsWith('Basic ')) {
    const [id, secret] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    if (id && secret) return { id: decodeURIComponent(id), secret: decodeURIComponent(secret) };
  }
  const id = str(form.client_id);
  const secret = str(form.client_secret);
  return id && secret ? { id, secret } : null;
}

/** The token endpoint's answer to a sign-in code (both issuers). */
export async function exchangeSignInCode(sb: Sandbox, ctx: Context, form: Record<string, unknown>): Promise<void> {
  const fail = (status: number, error: string, description: string) => {
    ctx.status = status;
    ctx.body = { error, error_description: description };
  };
  const client = clientOf(ctx, form);
  if (!client) return fail(401, 'invalid_client', 'The OAuth client was not found.');
  if (str(form.grant_type) !== 'authorization_code')
    return fail(400, 'unsupported_grant_type', `Invalid grant_type: ${str(form.grant_type) ?? ''}`);
  const grant = sb.signIns.redeemCode(str(form.code) ?? '', str(form.redirect_uri), str(form.code_verifier));
  if (!grant || grant.clientId !== client.id)
    return fail(400, 'invalid_grant', 'Malformed auth code, or the code verifier does not match.');
  ctx.set('Cache-Control', 'no-store');
  ctx.body = {
    access_token: `ya29.sandbox-sso-${Date.now()}`,
    expires_in: 3599,
    scope: grant.scope,
    token_type: 'Bearer',
    id_token: await sb.oidc.idToken(grant, sb.signIns.takeQuirk()),
  };
}

export function oidcIssuerRoutes(sb: Sandbox): Router {
  const router = new Router();

  router.get('/.well-known/openid-configuration', (ctx) => {
    ctx.body = discoveryDocument(sb.baseUrl, GOOGLE_PATHS);
  });

  router.get('/oidc/.well-known/openid-configuration', (ctx) => {
    ctx.body = discoveryDocument(`${sb.baseUrl}/oidc`, GENERIC_PATHS);
  });
  router.get('/oidc/authorize', (ctx) => approveSignIn(sb, ctx, `${sb.baseUrl}/oidc`));
  router.post('/oidc/token', async (ctx) => exchangeSignInCode(sb, ctx, await formBody(ctx)));
  router.get('/oidc/jwks', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = sb.oidc.jwks();
  });

  // Control: the next id_token (of either issuer) comes out spoiled this way.
  router.post('/_sandbox/oidc/next-token', async (ctx) => {
    const { quirk } = z
      .object({ quirk: z.enum(ID_TOKEN_QUIRKS) })
      .strict()
      .parse(await jsonBody(ctx));
    sb.signIns.spoilNext(quirk);
    ctx.status = 201;
    ctx.body = { quirk };
  });

  return router;
}
