// Gmail: connect the business's mailbox (Google consent → callback), see the connection, and the
// Pub/Sub push endpoint through which Gmail says the mailbox changed. The push is verified (OIDC)
// before anything else and only starts or signals the mailbox's sync workflow: the sync itself
// runs in the worker, and the answer is a fast 204 whatever the push repeats.
import { createHash } from 'node:crypto';
import Router from '@koa/router';
import coBody from 'co-body';
import { findMailbox, tenantForGoogleMailbox } from '../../../db/google-accounts';
import { withTenant } from '../../../db/tenant-transaction';
import { findUser } from '../../../db/users';
import { BadRequestError, NotFoundError, ValidationError } from '../../../errors';
import { createGoogleOAuth } from '../../../providers/google/oauth';
import { createPubsubPushVerifier, type PubsubPushVerifier } from '../../../providers/google/pubsub-push-verifier';
import { requireIntegration } from '../../../providers/integration';
import { notifyMailboxSync } from '../../../workflow-starters/mailbox';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { completeGmailConnect } from './complete-connect';
import { signConnectState, verifyConnectState } from './connect-state';
import {
  callbackQuery,
  callbackResult,
  connectResult,
  gmailNotification,
  gmailStatus,
  presentGmailStatus,
  pushEnvelope,
} from './schema';

export function gmailRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/gmail' });
  const endpoint = endpointsFor(router, deps, 'Gmail');
  // One verifier for the process: jose caches the signing keys it fetched.
  let verifier: PubsubPushVerifier | null = null;
  const pushVerifier = () => (verifier ??= createPubsubPushVerifier(deps.config));

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'getGmailConnection',
    summary: "The business's Gmail connection",
    description:
      'connected, reauth_required (Google refused the grant: connect again) or not_connected, with the watch and sync state.',
    access: 'staff',
    responses: { 200: { description: 'The connection', schema: gmailStatus } },
    async handler({ db, auth }) {
      return { status: 200, body: presentGmailStatus(await findMailbox(db, auth.tenantId)) };
    },
  });

  endpoint({
    method: 'get',
    path: '/connect',
    operationId: 'startGmailConnect',
    summary: 'Start connecting Gmail',
    description:
      "Answers Google's consent URL (offline access, Gmail and Calendar scopes) with a signed state bound to the caller and valid for 10 minutes. Open it in the browser of the Google account to connect; Google then redirects to GET /api/gmail/oauth/callback. Connecting again replaces the stored grant.",
    access: 'admin',
    responses: { 200: { description: 'The consent URL', schema: connectResult } },
    async handler({ db, auth }) {
      const oauth = createGoogleOAuth(deps.config);
      const user = await findUser(db, auth.userId);
      if (!user) throw new NotFoundError('No such user');
      const state = await signConnectState(deps.config.auth, { tenantId: auth.tenantId, userId: auth.userId });
      return { status: 200, body: { authUrl: oauth.consentUrl({ state, loginHint: user.email }) } };
    },
  });

  endpoint({
    method: 'get',
    path: '/oauth/callback',
    operationId: 'completeGmailConnect',
    errors: { 400: 'Google did not grant access, or the state is not one this server issued' },
    summary: "Google's redirect after consent",
    description:
      'Exchanges the code, stores the refresh token encrypted, starts the mailbox watch and sync. The state must be one GET /api/gmail/connect issued, unexpired and not used before (422 naming state otherwise); a refused or expired code is a 400, a mailbox another business connected a 409.',
    access: 'public',
    request: { query: callbackQuery },
    responses: { 200: { description: 'Connected', schema: callbackResult } },
    async handler({ query, ctx }) {
      const state = await verifyConnectState(deps.config.auth, query.state);
      if (query.error !== undefined)
        throw new BadRequestError(`Google did not grant access (${query.error}): connect again to allow it`);
      if (query.code === undefined) throw new ValidationError([{ path: 'code', message: 'is required' }]);
      const connected = await completeGmailConnect(deps, { state, code: query.code, requestId: ctx.state.requestId });
      ctx.state.log.info({ tenantId: state.tenantId, mailboxId: connected.mailbox.id }, 'gmail connected');
      return {
        status: 200,
        body: {
          status: 'connected' as const,
          email: connected.mailbox.email,
          mailboxId: connected.mailbox.id,
          syncWorkflowId: connected.syncWorkflowId,
          watchWorkflowId: connected.watchWorkflowId,
        },
      };
    },
  });

  endpoint({
    method: 'post',
    path: '/webhook',
    operationId: 'receiveGmailPush',
    rawBody: {
      contentType: 'application/json',
      description: 'The Pub/Sub push envelope; message.data is base64 JSON { emailAddress, historyId }',
      example: {
        message: {
          data: 'eyJlbWFpbEFkZHJlc3MiOiJvd25lckBleGFtcGxlLmNvbSIsImhpc3RvcnlJZCI6IjEyMzQifQ==',
          messageId: '1',
        },
        subscription: 'projects/p/subscriptions/gmail',
      },
    },
    errors: { 400: 'Body is not JSON', 401: 'The Pub/Sub OIDC token is missing or not the one configured' },
    summary: 'Gmail push (Pub/Sub)',
    description:
      'Pub/Sub push with `Authorization: Bearer <Google OIDC token>`, checked first (signature, issuer, audience = GMAIL_WEBHOOK_URL, email = GMAIL_PUBSUB_SERVICE_ACCOUNT, email_verified): 401 when it fails. The envelope `{ message: { data } }` carries base64 JSON `{ emailAddress, historyId }`. 204 once the mailbox sync workflow is started or signalled, and for a mailbox no business has connected (so Pub/Sub stops redelivering).',
    access: 'public',
    responses: { 204: { description: 'Accepted (or ignored)' } },
    async handler({ ctx }) {
      requireIntegration(deps.config, 'gmail');
      await pushVerifier().verify(ctx.get('Authorization') || undefined);
      // Read only after the token passed: an unauthenticated caller gets no further than that.
      const envelope = pushEnvelope.parse(
        await coBody.json(ctx.req, { limit: deps.config.http.bodyLimitBytes, strict: true }),
      );
      const notification = decodeNotification(envelope.message.data);
      const pushId = envelope.message.messageId ?? envelope.message.message_id ?? null;
      const log = ctx.state.log.child({ pubsubMessageId: pushId });

      const tenantId = await tenantForGoogleMailbox(deps.pool, notification.emailAddress);
      if (!tenantId) {
        // The address stays out of the logs; its hash tells ops whether pushes repeat for one mailbox.
        log.info(
          { mailboxHash: hashOf(notification.emailAddress) },
          'gmail push for a mailbox no business has connected; ignored',
        );
        ctx.state.webhookOutcome = 'ignored';
        return { status: 204 };
      }
      const mailbox = await withTenant(deps.pool, tenantId, (db) => findMailbox(db, tenantId));
      if (!mailbox || mailbox.status !== 'connected') {
        log.info(
          { tenantId, status: mailbox?.status ?? 'gone' },
          'gmail push for a mailbox that needs connecting again; ignored',
        );
        ctx.state.webhookOutcome = 'ignored';
        return { status: 204 };
      }
      const workflowId = await notifyMailboxSync(
        deps.temporal,
        deps.config,
        { tenantId, mailboxId: mailbox.id },
        { historyId: notification.historyId },
      );
      log.info({ tenantId, mailboxId: mailbox.id, historyId: notification.historyId, workflowId }, 'gmail push');
      ctx.state.webhookOutcome = 'applied';
      return { status: 204 };
    },
  });

  return router;
}

function decodeNotification(data: string): { emailAddress: string; historyId: string } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    throw new ValidationError([{ path: 'message.data', message: 'is not base64 of a JSON Gmail notification' }]);
  }
  const parsed = gmailNotification.safeParse(decoded);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((i) => ({ path: ['message', 'data', ...i.path].join('.'), message: i.message })),
    );
  }
  return parsed.data;
}

function hashOf(address: string): string {
  return createHash('sha256').update(address.trim().toLowerCase()).digest('hex').slice(0, 16);
}
