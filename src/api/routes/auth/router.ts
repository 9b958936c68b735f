// Sign-up, sign-in, token refresh, sign-out and "who am I". Register, login, refresh and logout
// carry no access token, so they open the tenant transaction themselves once they know the tenant
// (login through the narrow email → tenant lookup; refresh and logout from the token).
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { UniqueIntegrityConstraintViolationError } from 'slonik';
import { insertAuditEntry } from '../../../db/audit';
import { withTenant } from '../../../db/tenant-transaction';
import { findTenant, insertTenant } from '../../../db/tenants';
import { findPendingInvitationByEmailForUpdate, findPendingInvitationByTokenForUpdate } from '../../../db/invitations';
import {
  findCredentialsByEmail,
  findUser,
  insertUser,
  tenantIdForEmail,
  tenantIdForInvitedEmail,
} from '../../../db/users';
import { ForbiddenError, NotFoundError, ServiceUnavailableError, UnauthorizedError } from '../../../errors';
import { ensureGuardian } from '../../../workflow-starters/guardian';
import type { AppDeps } from '../../deps';
import { hashInvitationToken, joinByInvitation, tenantOfInvitationToken } from '../../auth/invitations';
import { reportLoginAttack } from '../../auth/login-attack';
import { LoginThrottle } from '../../auth/login-throttle';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../auth/passwords';
import { tenantOfRefreshToken } from '../../auth/refresh-token';
import { endSession, rotateSession, startSession } from '../../auth/sessions';
import { SsoClients, SsoIssuerUnavailable, SsoRefused, type SsoIdentity, type SsoProvider } from '../../auth/sso';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { FieldConflictError } from '../../field-conflict';
import { rateLimitsFor } from '../../rate-limit/per-config';
import { presentTenant, presentUser } from '../users/schema';
import {
  acceptInviteBody,
  acceptInviteResponse,
  loginBody,
  meResponse,
  refreshTokenBody,
  registerBody,
  registerResponse,
  ssoAuthUrlSchema,
  ssoCallbackQuery,
  ssoProviderParams,
  ssoStartQuery,
  tokenPairSchema,
} from './schema';

const WRONG_CREDENTIALS = 'The email or password is incorrect';
const BAD_REFRESH_TOKEN = 'The refresh token is not valid; sign in again';

export function authRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/auth' });
  const endpoint = endpointsFor(router, deps, 'Auth');
  const { config, pool } = deps;
  const sso = new SsoClients(config);

  /**
   * Every tenant gets its guardian at once. Idempotent (a running one is kept). A Temporal outage
   * does not undo a sign-up: the worker's boot sweep, run-now and resume start a missing guardian.
   */
  async function startTenantGuardian(tenantId: string): Promise<void> {
    try {
      // Bounded: an unreachable Temporal must not hold the sign-up answer.
      await deps.temporal.connection.withDeadline(Date.now() + 5_000, () =>
        ensureGuardian(deps.temporal, config, tenantId),
      );
    } catch (err) {
      deps.logger.warn(
        { tenantId, err: err instanceof Error ? err.message : String(err) },
        'could not start the guardian of a new tenant',
      );
    }
  }

  endpoint({
    method: 'post',
    path: '/register',
    operationId: 'registerBusiness',
    errors: { 403: 'Self-registration is turned off on this server', 409: 'The email is already registered' },
    summary: 'Register a business and its owner',
    description:
      'Creates the tenant and its owner user in one transaction and signs the owner in. 403 when ALLOW_SIGNUP=false.',
    access: 'public',
    request: { body: registerBody },
    responses: { 201: { description: 'The new tenant, its owner and a token pair', schema: registerResponse } },
    async handler({ body, ctx }) {
      if (!config.auth.allowSignup) throw new ForbiddenError('Self-registration is turned off on this server');
      const passwordHash = await hashPassword(body.password);
      const tenantId = randomUUID();
      try {
        const created = await withTenant(pool, tenantId, async (tx) => {
          const tenant = await insertTenant(tx, { id: tenantId, name: body.businessName, timezone: body.timezone });
          const user = await insertUser(tx, { tenantId, email: body.email, passwordHash, role: 'owner' });
          const tokens = await startSession(tx, config, user);
          await insertAuditEntry(tx, {
            tenantId,
            actorId: user.id,
            action: 'tenant.registered',
            target: `tenant:${tenantId}`,
            requestId: ctx.state.requestId,
            detail: { ownerId: user.id },
          });
          return { tenant, user, tokens };
        });
        await startTenantGuardian(tenantId);
        return {
          status: 201,
          body: { tenant: presentTenant(created.tenant), user: presentUser(created.user), ...created.tokens },
        };
      } catch (err) {
        if (err instanceof UniqueIntegrityConstraintViolationError && err.constraint === 'users_email_key') {
          throw new FieldConflictError('email', 'is already registered');
        }
        throw err;
      }
    },
  });

  endpoint({
    method: 'post',
    path: '/login',
    operationId: 'logIn',
    errors: { 401: 'Wrong email or password (one message for both, and for a locked account)' },
    summary: 'Sign in',
    description:
      'Every kind of wrong (unknown email, wrong password, a password for an admin or staff member of a business that requires SSO) gets the same 401. Failed attempts are throttled per account and address, per address, and (a much higher ceiling, which alerts the owner) per account: 429 with Retry-After.',
    access: 'public',
    request: { body: loginBody },
    responses: { 200: { description: 'A new token pair', schema: tokenPairSchema } },
    async handler({ body, ctx }) {
      const throttle = new LoginThrottle(rateLimitsFor(config, deps.logger), body.email, ctx.ip);
      await throttle.assertAllowed();
      const tenantId = await tenantIdForEmail(pool, body.email);
      const user = tenantId ? await withTenant(pool, tenantId, (tx) => findCredentialsByEmail(tx, body.email)) : null;
      const passwordOk = user?.passwordHash
        ? await verifyPassword(user.passwordHash, body.password)
        : await verifyAgainstDummy(body.password);
      if (user && passwordOk && user.ssoRequired && user.role !== 'owner') {
        // The tenant signs in by SSO: a right password changes nothing, and the answer says no more
        // than any other refusal. Not a failure for the throttle: the password was right.
        await withTenant(pool, user.tenantId, (tx) =>
          insertAuditEntry(tx, {
            tenantId: user.tenantId,
            actorId: null,
            action: 'auth.login_refused_sso_required',
            target: `user:${user.id}`,
            requestId: ctx.state.requestId,
            detail: { ip: ctx.ip },
          }),
        );
        throw new UnauthorizedError(WRONG_CREDENTIALS);
      }
      if (!user || !passwordOk) {
        const { accountCeilingReached } = await throttle.recordFailure();
        if (user) {
          await withTenant(pool, user.tenantId, async (tx) => {
            await insertAuditEntry(tx, {
              tenantId: user.tenantId,
              actorId: null,
              action: 'auth.login_failed',
              target: `user:${user.id}`,
              requestId: ctx.state.requestId,
              detail: { ip: ctx.ip },
            });
            if (accountCeilingReached) await reportLoginAttack(tx, deps, user, ctx.state.requestId);
          });
        }
        throw new UnauthorizedError(WRONG_CREDENTIALS);
      }
      const tokens = await withTenant(pool, user.tenantId, async (tx) => {
        const pair = await startSession(tx, config, user);
        await insertAuditEntry(tx, {
          tenantId: user.tenantId,
          actorId: user.id,
          action: 'auth.login',
          target: `user:${user.id}`,
          requestId: ctx.state.requestId,
          detail: { ip: ctx.ip },
        });
        return pair;
      });
      await throttle.recordSuccess();
      return { status: 200, body: tokens };
    },
  });

  endpoint({
    method: 'post',
    path: '/refresh',
    operationId: 'refreshTokens',
    errors: { 401: 'The refresh token is unknown, expired, revoked or already used' },
    summary: 'Exchange a refresh token for a new pair',
    description: 'The refresh token is spent. Presenting a spent one again revokes every token of its session (401).',
    access: 'public',
    request: { body: refreshTokenBody },
    responses: { 200: { description: 'The next token pair', schema: tokenPairSchema } },
    async handler({ body, ctx }) {
      const tenantId = tenantOfRefreshToken(body.refreshToken);
      if (!tenantId) throw new UnauthorizedError(BAD_REFRESH_TOKEN);
      // The revocation of a reused token's family must commit, so the outcome is returned from
      // the transaction and the 401 thrown after it.
      const outcome = await withTenant(pool, tenantId, (tx) =>
        rotateSession(tx, config, body.refreshToken, ctx.state.requestId),
      );
      if (outcome.kind !== 'rotated') throw new UnauthorizedError(BAD_REFRESH_TOKEN);
      return { status: 200, body: outcome.tokens };
    },
  });

  endpoint({
    method: 'post',
    path: '/logout',
    operationId: 'logOut',
    summary: 'Sign out',
    description:
      'Revokes the session the refresh token belongs to. 204 also for a token that is unknown or already revoked.',
    access: 'public',
    request: { body: refreshTokenBody },
    responses: { 204: { description: 'Signed out' } },
    async handler({ body, ctx }) {
      const tenantId = tenantOfRefreshToken(body.refreshToken);
      if (tenantId) await withTenant(pool, tenantId, (tx) => endSession(tx, body.refreshToken, ctx.state.requestId));
      return { status: 204 };
    },
  });

  endpoint({
    method: 'get',
    path: '/me',
    operationId: 'getCurrentUser',
    summary: 'The signed-in user and their business',
    access: 'staff',
    responses: { 200: { description: 'The caller', schema: meResponse } },
    async handler({ db, auth }) {
      const user = await findUser(db, auth.userId);
      const tenant = await findTenant(db, auth.tenantId);
      if (!user || !tenant) throw new UnauthorizedError('The user of this token no longer exists');
      return { status: 200, body: { user: presentUser(user), tenant: presentTenant(tenant) } };
    },
  });

  /**
   * The SSO callback's sign-in: an existing user of the email, else the newest pending invitation
   * for it becomes a user with the invited role. null when neither (the one login message).
   */
  async function signInBySso(provider: SsoProvider, identity: SsoIdentity, requestId: string, ip: string) {
    let tenantId = await tenantIdForEmail(pool, identity.email);
    const viaInvitation = !tenantId;
    if (!tenantId) tenantId = await tenantIdForInvitedEmail(pool, identity.email);
    if (!tenantId) return null;
    return withTenant(pool, tenantId, async (tx) => {
      let user = viaInvitation ? null : await findCredentialsByEmail(tx, identity.email);
      let invitationId: string | null = null;
      if (!user) {
        const invitation = await findPendingInvitationByEmailForUpdate(tx, identity.email);
        if (!invitation) return null;
        const joined = await joinByInvitation(tx, invitation, null);
        invitationId = invitation.id;
        user = { ...joined, passwordHash: null, ssoRequired: false };
        await insertAuditEntry(tx, {
          tenantId,
          actorId: joined.id,
          action: 'invitation.accepted',
          target: `invitation:${invitation.id}`,
          requestId,
          detail: { userId: joined.id, role: joined.role, via: provider },
        });
      }
      const tokens = await startSession(tx, config, user);
      await insertAuditEntry(tx, {
        tenantId,
        actorId: user.id,
        action: 'auth.sso_login',
        target: `user:${user.id}`,
        requestId,
        detail: {
          provider,
          issuer: identity.issuer,
          subject: identity.subject,
          ip,
          ...(invitationId ? { invitationId } : {}),
        },
      });
      return tokens;
    });
  }

  function configuredIssuer(provider: SsoProvider) {
    const issuer = sso.issuerFor(provider);
    if (!issuer) throw new NotFoundError(`SSO with ${provider} is not configured`);
    return issuer;
  }

  /** A call to the issuer (discovery, token endpoint); its being unreachable is the 503. */
  async function askIssuer<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof SsoIssuerUnavailable)
        throw new ServiceUnavailableError('The sign-in issuer could not be reached; try again shortly');
      throw err;
    }
  }

  /** Every SSO refusal is the login 401; why goes only to the log. */
  function refuseSso(provider: SsoProvider, reason: string, requestId: string): never {
    deps.logger.info({ provider, reason, requestId }, 'SSO sign-in refused');
    throw new UnauthorizedError(WRONG_CREDENTIALS);
  }

  endpoint({
    method: 'get',
    path: '/sso/:provider/start',
    operationId: 'startSso',
    errors: { 404: 'That SSO provider is not configured on this server', 503: 'The issuer could not be reached' },
    summary: 'Begin a sign-in with Google or the configured OpenID Connect issuer',
    description:
      "Answers the issuer's authorization URL for the browser to open: the code flow with PKCE, a sealed `state` (10 minutes) and a `nonce`; `login_hint` when `email` is given. The issuer redirects to /api/auth/sso/{provider}/callback.",
    access: 'public',
    request: { params: ssoProviderParams, query: ssoStartQuery },
    responses: { 200: { description: 'Where to send the browser', schema: ssoAuthUrlSchema } },
    async handler({ params, query }) {
      const issuer = configuredIssuer(params.provider);
      return {
        status: 200,
        body: { authUrl: await askIssuer(() => sso.authorizationUrl(params.provider, issuer, query.email)) },
      };
    },
  });

  endpoint({
    method: 'get',
    path: '/sso/:provider/callback',
    operationId: 'completeSso',
    errors: {
      401: 'Unknown user, unverified email, or a bad state, nonce, issuer or audience (one message for all)',
      404: 'That SSO provider is not configured on this server',
      503: 'The issuer could not be reached',
    },
    summary: 'Finish an SSO sign-in',
    description:
      'Where the issuer redirects with `code` and `state`. Signs in the user of the tenant with the email the issuer verified, or a person with a pending invitation for it (who becomes a user with the invited role), and answers the same token pair as a password login. Every refusal is the login 401.',
    access: 'public',
    request: { params: ssoProviderParams, query: ssoCallbackQuery },
    responses: { 200: { description: 'A new token pair', schema: tokenPairSchema } },
    async handler({ params, ctx }) {
      const issuer = configuredIssuer(params.provider);
      const identity: SsoIdentity = await askIssuer(() =>
        sso.complete(params.provider, issuer, new URLSearchParams(ctx.querystring)),
      ).catch((err: unknown) => {
        if (err instanceof SsoRefused) refuseSso(params.provider, err.reason, ctx.state.requestId);
        throw err;
      });
      if (!identity.emailVerified) refuseSso(params.provider, 'email not verified by the issuer', ctx.state.requestId);
      const tokens = await signInBySso(params.provider, identity, ctx.state.requestId, ctx.ip);
      if (!tokens) throw new UnauthorizedError(WRONG_CREDENTIALS);
      return { status: 200, body: tokens };
    },
  });

  endpoint({
    method: 'post',
    path: '/accept-invite',
    operationId: 'acceptInvitation',
    errors: {
      404: 'The invitation link is unknown, spent, revoked or expired',
      409: 'The email already has an account',
    },
    summary: 'Accept an invitation by setting a password',
    description:
      'Spends the emailed link and creates the user with the invited role, signed in. An invitation can also be accepted by signing in through SSO with its email.',
    access: 'public',
    request: { body: acceptInviteBody },
    responses: { 201: { description: 'The new user and a token pair', schema: acceptInviteResponse } },
    async handler({ body, ctx }) {
      const tenantId = tenantOfInvitationToken(body.token);
      if (!tenantId) throw new NotFoundError('This invitation link is not valid (spent, revoked or expired)');
      const passwordHash = await hashPassword(body.password);
      try {
        const joined = await withTenant(pool, tenantId, async (tx) => {
          const invitation = await findPendingInvitationByTokenForUpdate(tx, hashInvitationToken(body.token));
          if (!invitation) return null;
          const user = await joinByInvitation(tx, invitation, passwordHash);
          const tokens = await startSession(tx, config, user);
          await insertAuditEntry(tx, {
            tenantId,
            actorId: user.id,
            action: 'invitation.accepted',
            target: `invitation:${invitation.id}`,
            requestId: ctx.state.requestId,
            detail: { userId: user.id, role: user.role, via: 'password' },
          });
          return { user, tokens };
        });
        if (!joined) throw new NotFoundError('This invitation link is not valid (spent, revoked or expired)');
        return { status: 201, body: { user: presentUser(joined.user), ...joined.tokens } };
      } catch (err) {
        if (err instanceof UniqueIntegrityConstraintViolationError && err.constraint === 'users_email_key') {
          throw new FieldConflictError('email', 'already has an account');
        }
        throw err;
      }
    },
  });

  return router;
}
