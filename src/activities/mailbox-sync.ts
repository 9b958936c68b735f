// One sync pass over a tenant's mailbox, run only by its mailboxSync workflow. It reads from the
// stored cursor (history.list), never from a notification's history id, stores each new inbound
// message in its own small transaction, and moves the cursor only after the messages it covers
// are committed: a pass cut short anywhere (a crash, a lost worker, a Gmail error) leaves the
// cursor where the next pass re-reads what was missed, and the unique Gmail ids make the re-read
// store nothing twice. When Gmail no longer has the cursor's history (404) the pass falls back to
// a bounded full sync of the newest inbox messages.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { advanceSyncCursor, findMailbox, recordSyncError, type Mailbox } from '../db/google-accounts';
import { storedGmailMessageIds, storeInboundMessage } from '../db/messages';
import type { Db } from '../db/sql';
import type { RunAsTenant } from '../db/tenant-transaction';
import { UpstreamError } from '../errors';
import type { Logger } from '../observability/logger';
import type { Gmail, GmailMessageRef } from '../providers/google/gmail';
import type { MailboxPassResult } from '../workflows/mailbox-sync.contract';
import { isAutomatedSender } from '../domain/agent';
import { isInbound, toInboundMessage } from './mailbox-message';

/** What a pass needs from the tenant's Gmail. */
export type SyncGmail = Pick<Gmail, 'getProfile' | 'listHistory' | 'getMessage' | 'listMessages'>;

export interface MailboxSyncDeps {
  /** A transaction as the tenant (row-level security), made once for the whole worker. */
  tx: RunAsTenant;
  logger: Logger;
  /** The Gmail client of this mailbox (its refresh token opened). */
  gmailFor(mailbox: Mailbox): SyncGmail;
  /** Google refused the grant: mark the connection and tell the owner. */
  onReauthRequired(tenantId: string, detail: string): Promise<void>;
  /** How many of the newest inbox messages a full sync reads. */
  fullSyncMaxMessages: number;
  /** messages.get calls in flight at once. */
  fetchConcurrency?: number;
  /**
   * A new message from a client or a prospect, stored: its thread's reply agent drafts an answer.
   * Not called for our own mail, spam (never stored) or automated senders.
   */
  onMessageToAnswer?(message: {
    tenantId: string;
    threadId: string;
    clientId: string | null;
    messageId: string;
  }): Promise<void>;
}

export interface SyncMailboxInput {
  tenantId: string;
  mailboxId: string;
}

const HISTORY_PAGE_SIZE = 100;
const LIST_PAGE_SIZE = 100;

type MessageCandidate = GmailMessageRef & { labelIds?: string[] };

export function createMailboxSyncActivities(deps: MailboxSyncDeps) {
  const { tx } = deps;
  const concurrency = deps.fetchConcurrency ?? 4;

  async function syncMailbox(input: SyncMailboxInput): Promise<MailboxPassResult> {
    const { tenantId, mailboxId } = input;
    const mailbox = await tx(tenantId, (db) => findMailbox(db, tenantId));
    // Disconnected, or connected to another address since this workflow started.
    if (!mailbox || mailbox.id !== mailboxId)
      return { outcome: 'disconnected', mode: null, stored: 0, skipped: 0, historyId: null };
    if (mailbox.status === 'reauth_required') {
      return { outcome: 'reauth_required', mode: null, stored: 0, skipped: 0, historyId: mailbox.syncHistoryId };
    }
    const log = deps.logger.child({ tenantId, mailboxId, attempt: Context.current().info.attempt });
    const pass = new SyncPass(tenantId, mailbox, deps.gmailFor(mailbox), tx, concurrency, log, deps.onMessageToAnswer);
    try {
      if (mailbox.syncHistoryId === null) return await pass.full(deps.fullSyncMaxMessages);
      try {
        return await pass.fromHistory(mailbox.syncHistoryId);
      } catch (err) {
        if (!(err instanceof UpstreamError && err.code === 'history_too_old')) throw err;
        log.info({ cursor: mailbox.syncHistoryId }, 'Gmail no longer has the history since the cursor: full sync');
        return await pass.full(deps.fullSyncMaxMessages);
      }
    } catch (err) {
      if (err instanceof UpstreamError && err.code === 'reauth_required') {
        await deps.onReauthRequired(tenantId, err.message);
        return { outcome: 'reauth_required', mode: null, stored: pass.stored, skipped: pass.skipped, historyId: null };
      }
      throw await settleFailure(tenantId, mailboxId, err, log);
    }
  }

  /** Records the error on the mailbox and turns it into the Temporal failure that retries or not. */
  async function settleFailure(tenantId: string, mailboxId: string, err: unknown, log: Logger): Promise<unknown> {
    if (!(err instanceof UpstreamError)) return err; // e.g. the database: retried, keeps its stack
    const summary = `${err.code}: ${err.message}`.slice(0, 500);
    await tx(tenantId, (db) => recordSyncError(db, mailboxId, summary));
    log.warn({ code: err.code, retryable: err.retryable }, 'mailbox sync pass failed');
    return ApplicationFailure.create({
      message: summary,
      type: err.code,
      nonRetryable: !err.retryable,
      ...(err.retryable && err.details.retryAfterMs ? { nextRetryDelay: err.details.retryAfterMs } : {}),
    });
  }

  return { syncMailbox };
}

class SyncPass {
  stored = 0;
  skipped = 0;

  constructor(
    private readonly tenantId: string,
    private readonly mailbox: Mailbox,
    private readonly gmail: SyncGmail,
    private readonly tx: <T>(tenantId: string, fn: (db: Db) => Promise<T>) => Promise<T>,
    private readonly concurrency: number,
    private readonly log: Logger,
    private readonly onMessageToAnswer?: MailboxSyncDeps['onMessageToAnswer'],
  ) {}

  /** history.list from the cursor, page by page; the cursor follows each stored page. */
  async fromHistory(start: string): Promise<MailboxPassResult> {
    let cursor = start;
    let pageToken: string | undefined;
    do {
      const page = await this.gmail.listHistory({
        startHistoryId: start,
        maxResults: HISTORY_PAGE_SIZE,
        ...(pageToken ? { pageToken } : {}),
      });
      this.heartbeat();
      await this.store(page.messagesAdded);
      pageToken = page.nextPageToken ?? undefined;
      // Mid-way, the last record read; at the end, the mailbox's history id as of this answer.
      const reached = pageToken ? lastRecordId(page.messagesAdded) : page.historyId;
      if (reached !== null && BigInt(reached) >= BigInt(cursor)) cursor = reached;
      await this.tx(this.tenantId, (db) => advanceSyncCursor(db, this.mailbox.id, cursor));
    } while (pageToken);
    this.log.debug({ stored: this.stored, skipped: this.skipped, cursor }, 'mailbox synced from history');
    return { outcome: 'synced', mode: 'history', stored: this.stored, skipped: this.skipped, historyId: cursor };
  }

  /** The newest inbox messages, oldest stored first; the cursor becomes the history id read before listing. */
  async full(maxMessages: number): Promise<MailboxPassResult> {
    // Read first: whatever arrives while the list is read has a later history id, so the next
    // history pass reads it (again, harmlessly, if the listing caught it too).
    const { historyId } = await this.gmail.getProfile();
    const refs: GmailMessageRef[] = [];
    let pageToken: string | undefined;
    while (refs.length < maxMessages) {
      const page = await this.gmail.listMessages({
        labelIds: ['INBOX'],
        maxResults: Math.min(LIST_PAGE_SIZE, maxMessages - refs.length),
        ...(pageToken ? { pageToken } : {}),
      });
      this.heartbeat();
      refs.push(...page.messages);
      if (!page.nextPageToken) break;
      pageToken = page.nextPageToken;
    }
    await this.store(refs.slice(0, maxMessages).reverse());
    await this.tx(this.tenantId, (db) => advanceSyncCursor(db, this.mailbox.id, historyId));
    this.log.info(
      { stored: this.stored, skipped: this.skipped, listed: refs.length, cursor: historyId },
      'mailbox full sync done',
    );
    return { outcome: 'synced', mode: 'full', stored: this.stored, skipped: this.skipped, historyId };
  }

  /** Fetches and stores the messages not stored yet; sent mail and drafts are skipped unread when the labels say so. */
  private async store(candidates: readonly MessageCandidate[]): Promise<void> {
    const unique = [...new Map(candidates.map((c) => [c.id, c])).values()];
    const inbound = unique.filter((c) => c.labelIds === undefined || isInbound(c.labelIds));
    this.skipped += candidates.length - inbound.length;
    const known = await this.tx(this.tenantId, (db) =>
      storedGmailMessageIds(
        db,
        this.mailbox.id,
        inbound.map((c) => c.id),
      ),
    );
    const todo = inbound.filter((c) => !known.has(c.id));
    this.skipped += inbound.length - todo.length;

    await forEachConcurrently(todo, this.concurrency, async (ref) => {
      let message;
      try {
        message = await this.gmail.getMessage(ref.id, 'full');
      } catch (err) {
        // Deleted between the listing and now: nothing left to store.
        if (err instanceof UpstreamError && err.code === 'not_found') {
          this.skipped += 1;
          return;
        }
        throw err;
      }
      if (!isInbound(message.labelIds)) {
        this.skipped += 1;
        return;
      }
      const inbound = toInboundMessage(this.mailbox.id, message);
      const result = await this.tx(this.tenantId, (db) => storeInboundMessage(db, this.tenantId, inbound));
      if (result.stored) this.stored += 1;
      else this.skipped += 1;
      const ownMail = inbound.fromEmail !== null && inbound.fromEmail === this.mailbox.email.toLowerCase();
      if (
        result.messageId &&
        this.onMessageToAnswer &&
        !ownMail &&
        !isAutomatedSender(inbound.fromEmail, message.headers)
      ) {
        await this.onMessageToAnswer({
          tenantId: this.tenantId,
          threadId: result.threadId,
          clientId: result.clientId,
          messageId: result.messageId,
        });
      }
      this.heartbeat();
    });
  }

  private heartbeat(): void {
    Context.current().heartbeat({ stored: this.stored, skipped: this.skipped });
  }
}

function lastRecordId(records: readonly { historyId: string }[]): string | null {
  let last: string | null = null;
  for (const r of records)
    if (/^\d+$/.test(r.historyId) && (last === null || BigInt(r.historyId) > BigInt(last))) last = r.historyId;
  return last;
}

/**
 * Runs `fn` over the items with at most `limit` in flight. The first failure stops new ones; it is
 * thrown once those in flight have settled, so nothing of this pass still runs after it ends.
 */
async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, lane));
  const failure = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (failure) throw failure.reason;
}
