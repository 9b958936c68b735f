// users.watch for a tenant's mailbox, so Gmail pushes its changes to the Pub/Sub topic whose push
// subscription calls POST /api/gmail/webhook. Run by the mailboxWatch workflow (daily) and meant
// to be callable by the guardian when it takes renewals over: it is safe to call at any time
// (Gmail replaces the mailbox's watch) and says when there is nothing to watch.
import { ApplicationFailure } from '@temporalio/activity';
import { findMailbox, recordWatch, type Mailbox } from '../db/google-accounts';
import type { RunAsTenant } from '../db/tenant-transaction';
import { UpstreamError } from '../errors';
import type { Logger } from '../observability/logger';
import type { Gmail } from '../providers/google/gmail';
import type { MailboxWatchRenewal } from '../workflows/mailbox-watch.contract';

export interface MailboxWatchDeps {
  /** A transaction as the tenant (row-level security), made once for the whole worker. */
  tx: RunAsTenant;
  logger: Logger;
  gmailFor(mailbox: Mailbox): Pick<Gmail, 'watch'>;
  /** GMAIL_PUBSUB_TOPIC: projects/<project>/topics/<topic>. */
  topicName: string;
  onReauthRequired(tenantId: string, detail: string): Promise<void>;
}

export function createMailboxWatchActivities(deps: MailboxWatchDeps) {
  async function renewMailboxWatch(input: { tenantId: string; mailboxId: string }): Promise<MailboxWatchRenewal> {
    const { tenantId, mailboxId } = input;
    const mailbox = await deps.tx(tenantId, (db) => findMailbox(db, tenantId));
    if (!mailbox || mailbox.id !== mailboxId) return { outcome: 'disconnected', historyId: null, expiresAt: null };
    if (mailbox.status === 'reauth_required') return { outcome: 'reauth_required', historyId: null, expiresAt: null };
    const log = deps.logger.child({ tenantId, mailboxId });
    try {
      // Inbox changes only: our own sends and label edits would wake the sync for nothing.
      const watch = await deps.gmailFor(mailbox).watch({ topicName: deps.topicName, labelIds: ['INBOX'] });
      await deps.tx(tenantId, (db) =>
        recordWatch(db, mailboxId, { historyId: watch.historyId, expiresAt: watch.expiration }),
      );
      log.info({ expiresAt: watch.expiration.toISOString() }, 'Gmail watch renewed');
      return { outcome: 'watching', historyId: watch.historyId, expiresAt: watch.expiration.toISOString() };
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      if (err.code === 'reauth_required') {
        await deps.onReauthRequired(tenantId, err.message);
        return { outcome: 'reauth_required', historyId: null, expiresAt: null };
      }
      log.warn({ code: err.code, retryable: err.retryable }, 'Gmail watch renewal failed');
      throw ApplicationFailure.create({
        message: `${err.code}: ${err.message}`.slice(0, 500),
        type: err.code,
        nonRetryable: !err.retryable,
        ...(err.retryable && err.details.retryAfterMs ? { nextRetryDelay: err.details.retryAfterMs } : {}),
      });
    }
  }

  return { renewMailboxWatch };
}
