// Google's OAuth stand-in: the consent screen approves at once and redirects to the callback with
// a code for the mailbox named by login_hint; the token endpoint exchanges codes and refreshes;
// /oauth2/v3/certs publishes the sandbox's OIDC signing key.
import Router from '@koa/router';
import { formBody, str } from '../body';
import type { Sandbox } from '../context';
import { approveSignIn, exchangeSignInCode, isSignInRequest } from './oidc-issuers';

export const DEFAULT_MAILBOX = 'owner@frontdesk-sandbox.test';
const ACCESS_TOKEN_SECONDS = 3599;

export function googleOAuthRoutes(sb: Sandbox): Router {
  const router = new Router();

  router.get('/o/oauth2/v2/auth', (ctx) => {
    const q = ctx.query;
    // Google sign-in shares the consent screen: an openid scope asks for an id_token.
    if (isSignInRequest(str(q.scope) ?? '')) return approveSignIn(sb, ctx, sb.baseUrl);
    const redirectUri = str(q.redirect_uri);
    if (!str(q.client_id) || !redirectUri || !/^https?:\/\//.test(redirectUri)) {
      ctx.status = 400;
      ctx.type = 'text/html';
      ctx.body =
        '<h1>400. That’s an error.</h1><p>Error: invalid_request (client_id and redirect_uri are required)</p>';
      return;
    }
    const target = new URL(redirectUri);
    if (str(q.response_type) !== 'code') {
      target.searchParams.set('error', 'unsupported_response_type');
    } else {
      const scope = str(q.scope) ?? '';
      target.searchParams.set('code', sb.google.issueCode(str(q.login_hint) ?? DEFAULT_MAILBOX, scope, redirectUri));
      target.searchParams.set('scope', scope);
    }
    const state = str(q.state);
    if (state !== undefined) target.searchParams.set('state', state);
    ctx.redirect(target.toString());
  });

  router.post('/token', async (ctx) => {
    const form = await formBody(ctx);
    if (sb.signIns.has(str(form.code) ?? '')) return exchangeSignInCode(sb, ctx, form);
    const fail = (status: number, error: string, description: string) => {
      ctx.status = status;
      ctx.body = { error, error_description: description };
    };
    if (!str(form.client_id) || !str(form.client_secret))
      return fail(401, 'invalid_client', 'The OAuth client was not found.');
    const grantType = str(form.grant_type);
    if (grantType === 'authorization_code') {
      const grant = sb.google.redeemCode(str(form.code) ?? '', str(form.redirect_uri));
      if (!grant) return fail(400, 'invalid_grant', 'Malformed auth code.');
      ctx.body = {
        access_token: sb.google.issueAccessToken(grant),
        expires_in: ACCESS_TOKEN_SECONDS,
        refresh_token: sb.google.issueRefreshToken(grant),
        scope: grant.scope,
        token_type: 'Bearer',
      };
      return;
    }
    if (grantType === 'refresh_token') {
      const grant = sb.google.grantForRefreshToken(str(form.refresh_token) ?? '');
      if (!grant) return fail(400, 'invalid_grant', 'Token has been expired or revoked.');
      ctx.body = {
        access_token: sb.google.issueAccessToken(grant),
        expires_in: ACCESS_TOKEN_SECONDS,
        scope: grant.scope,
        token_type: 'Bearer',
      };
      return;
    }
    fail(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  });

  router.get('/oauth2/v3/certs', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = sb.oidc.jwks();
  });

  return router;
}
