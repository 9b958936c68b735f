// The end of Google's consent: the one place the API itself calls Google, because the person is
// waiting in their browser for the outcome and the code expires within minutes. Each call is
// made once; a failure is shown to them (connect again), never retried here. Then the grant is
// stored encrypted and the mailbox's watch and sync workflows are started or told.
import type { Client } from '@temporalio/client';
import { UniqueIntegrityConstraintViolationError } from 'slonik';
import type { Config } from '../../../config';
import { insertAuditEntry } from '../../../db/audit';
import { redeemOAuthState } from '../../../db/gmail-oauth-states';
import { connectMailbox, findMailbox, type Mailbox } from '../../../db/google-accounts';
import type { DatabasePool } from '../../../db/pool';
import { withTenant } from '../../../db/tenant-transaction';
import { findUser } from '../../../db/users';
import { roleAtLeast } from '../../../domain/roles';
import { mailboxSyncWorkflowId, mailboxWatchWorkflowId } from '../../../domain/workflow-ids';
import { BadRequestError, ServiceUnavailableError, UpstreamError, ValidationError } from '../../../errors';
import { createGmail } from '../../../providers/google/gmail';
import { createGoogleOAuth, GOOGLE_SCOPES } from '../../../providers/google/oauth';
import { sealRefreshToken } from '../../../providers/google/refresh-token-vault';
import { signalIfRunning } from '../../../temporal/if-running';
import { mailboxChangedSignal } from '../../../workflows/mailbox-sync.contract';
import { renewWatchSignal } from '../../../workflows/mailbox-watch.contract';
import { notifyMailboxSync, renewMailboxWatchNow } from '../../../workflow-starters/mailbox';
import { FieldConflictError } from '../../field-conflict';
import type { ConnectState } from './connect-state';

const GMAIL_SCOPE = GOOGLE_SCOPES[0];

export interface ConnectDeps {
  config: Config;
  pool: DatabasePool;
  temporal: Client;
}

export async function completeGmailConnect(
  deps: ConnectDeps,
  input: { state: ConnectState; code: string; requestId: string },
): Promise<{ mailbox: Mailbox; syncWorkflowId: string; watchWorkflowId: string }> {
  const { config, pool, temporal } = deps;
  const { tenantId, userId, nonce, expiresAt } = input.state;

  // The state is spent before Google is asked, so a replay of this link fails even if the
  // exchange below does.
  await withTenant(pool, tenantId, async (db) => {
    const user = await findUser(db, userId);
    if (!user || !roleAtLeast(user.role, 'admin')) {
      throw new ValidationError([{ path: 'state', message: 'was issued to a user who may no longer connect Gmail' }]);
    }
    if (!(await redeemOAuthState(db, { nonce, tenantId, userId, expiresAt }))) {
      throw new ValidationError([
        { path: 'state', message: 'was already used: start again from GET /api/gmail/connect' },
      ]);
    }
  });

  const oauth = createGoogleOAuth(config);
  const grant = await google(
    () => oauth.exchangeCode(input.code),
    'The authorization code is invalid, expired or already used: connect again',
  );
  if (!grant.scopes.includes(GMAIL_SCOPE)) {
    throw new BadRequestError('Gmail access was not granted on the consent screen: connect again and allow it');
  }
  const { emailAddress } = await google(
    () => createGmail(config, { auth: oauth.clientFor(grant.refreshToken) }).getProfile(),
    'Google refused the new grant: connect again',
  );

  return withTenant(pool, tenantId, async (db) => {
    const previous = await findMailbox(db, tenantId);
    // A savepoint, so a mailbox another business connected is a clean 409.
    const mailbox = await db
      .transaction((sp) =>
        connectMailbox(sp, {
          tenantId,
          email: emailAddress,
          refreshTokenCiphertext: sealRefreshToken(config, grant.refreshToken),
          scopes: grant.scopes,
        }),
      )
      .catch((err: unknown) => {
        if (err instanceof UniqueIntegrityConstraintViolationError && err.constraint === 'google_accounts_email_key') {
          throw new FieldConflictError('email', 'this mailbox is connected to another business');
        }
        throw err;
      });
    await insertAuditEntry(db, {
      tenantId,
      actorId: userId,
      action: 'gmail.connected',
      target: `mailbox:${mailbox.id}`,
      requestId: input.requestId,
      detail: { scopes: grant.scopes },
    });
    // Inside the transaction: if Temporal refuses, the new grant is not stored either.
    const ids = { tenantId, mailboxId: mailbox.id };
    const watchWorkflowId = await renewMailboxWatchNow(temporal, config, ids);
    const syncWorkflowId = await notifyMailboxSync(temporal, config, ids);
    if (previous && previous.id !== mailbox.id) {
      // Another address: the old mailbox's workflows look once more, find it gone, and end.
      await signalIfRunning(temporal, mailboxSyncWorkflowId(tenantId, previous.id), mailboxChangedSignal, {});
      await signalIfRunning(temporal, mailboxWatchWorkflowId(tenantId, previous.id), renewWatchSignal);
    }
    return { mailbox, syncWorkflowId, watchWorkflowId };
  });
}

/** One call to Google on the person's behalf: a refusal is theirs to fix (400), an outage a 503. */
async function google<T>(call: () => Promise<T>, refused: string): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof UpstreamError)) throw err;
    if (err.retryable)
      throw new ServiceUnavailableError('Google did not answer: try connecting again in a moment', { cause: err });
    throw new BadRequestError(refused, { cause: err });
  }
}
