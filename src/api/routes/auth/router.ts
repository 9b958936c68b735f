// Sign-up, sign-in, token refresh, sign-out and "who am I". Register, login, refresh and logout
// carry no access token, so they open the tenant transaction themselves once they know the tenant
// (login through the narrow email → tenant lookup; refresh and logout from the token).
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { UniqueIntegrityConstraintViolationError } from 'slonik';
import { insertAuditEntry } from '../../../db/audit';
import { withTenant } from '../../../db/tenant-transaction';
import { findTenant, insertTenant } from '../../../db/tenants';
import { findCredentialsByEmail, findUser, insertUser, tenantIdForEmail } from '../../../db/users';
import { ForbiddenError, UnauthorizedError } from '../../../errors';
import { ensureGuardian } from '../../../workflow-starters/guardian';
import type { AppDeps } from '../../deps';
import { reportLoginAttack } from '../../auth/login-attack';
import { LoginThrottle } from '../../auth/login-throttle';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../auth/passwords';
import { tenantOfRefreshToken } from '../../auth/refresh-token';
import { endSession, rotateSession, startSession } from '../../auth/sessions';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { FieldConflictError } from '../../field-conflict';
import { rateLimitsFor } from '../../rate-limit/per-config';
import { presentTenant, presentUser } from '../users/schema';
import { loginBody, meResponse, refreshTokenBody, registerBody, registerResponse, tokenPairSchema } from './schema';

const WRONG_CREDENTIALS = 'The email or password is incorrect';
const BAD_REFRESH_TOKEN = 'The refresh token is not valid; sign in again';

export function authRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/auth' });
  const endpoint = endpointsFor(router, deps, 'Auth');
  const { config, pool } = deps;

  /**
   * Every tenant gets its guardian at once. Idempotent (a running one is kept). A Temporal outage
   * does not undo a sign-up: the worker's boot sweep, run-now and resume start a missing guardian.
   */
  async function startTenantGuardian(tenantId: string): Promise<void> {
    try {
      // Bounded: an unreachable Temporal must not hold the sign-up answer.
      await deps.temporal.connection.withDeadline(Date.now() + 5_000, () => ensureGuardian(deps.temporal, config, tenantId));
    } catch (err) {
      deps.logger.warn({ tenantId, err: err instanceof Error ? err.message : String(err) }, 'could not start the guardian of a new tenant');
    }
  }

  endpoint({
    method: 'post',
    path: '/register',
    operationId: 'registerBusiness',
    errors: { 403: 'Self-registration is turned off on this server', 409: 'The email is already registered' },
    summary: 'Register a business and its owner',
    description: 'Creates the tenant and its owner user in one transaction and signs the owner in. 403 when ALLOW_SIGNUP=false.',
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
      'Every kind of wrong (unknown email, wrong password) gets the same 401. Failed attempts are throttled per account and address, per address, and (a much higher ceiling, which alerts the owner) per account: 429 with Retry-After.',
    access: 'public',
    request: { body: loginBody },
    responses: { 200: { description: 'A new token pair', schema: tokenPairSchema } },
    async handler({ body, ctx }) {
      const throttle = new LoginThrottle(rateLimitsFor(config, deps.logger), body.email, ctx.ip);
      await throttle.assertAllowed();
      const tenantId = await tenantIdForEmail(pool, body.email);
      const user = tenantId ? await withTenant(pool, tenantId, (tx) => findCredentialsByEmail(tx, body.email)) : null;
      const passwordOk = user ? await verifyPassword(user.password_hash, body.password) : await verifyAgainstDummy(body.password);
      if (!user || !passwordOk) {
        const { accountCeilingReached } = await throttle.recordFailure();
        if (user) {
          await withTenant(pool, user.tenant_id, async (tx) => {
            await insertAuditEntry(tx, {
              tenantId: user.tenant_id,
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
      const tokens = await withTenant(pool, user.tenant_id, async (tx) => {
        const pair = await startSession(tx, config, user);
        await insertAuditEntry(tx, {
          tenantId: user.tenant_id,
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
      const outcome = await withTenant(pool, tenantId, (tx) => rotateSession(tx, config, body.refreshToken, ctx.state.requestId));
      if (outcome.kind !== 'rotated') throw new UnauthorizedError(BAD_REFRESH_TOKEN);
      return { status: 200, body: outcome.tokens };
    },
  });

  endpoint({
    method: 'post',
    path: '/logout',
    operationId: 'logOut',
    summary: 'Sign out',
    description: 'Revokes the session the refresh token belongs to. 204 also for a token that is unknown or already revoked.',
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

  return router;
}
