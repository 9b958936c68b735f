// The send step of emailDelivery. Temporal retries it with backoff; this code makes each try
// safe to repeat: the outbox row shows every attempt, a try after an ambiguous failure first asks
// Gmail whether the message (by its Message-ID) already went out, and a guard (e.g. "the invoice
// is still open") is re-checked immediately before the send.
import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  beginSendAttempt,
  findEmail,
  markEmailCancelled,
  markEmailFailed,
  markEmailRetrying,
  markEmailSent,
} from '../db/emails';
import type { RunAsTenant } from '../db/tenant-transaction';
import type { Db } from '../db/sql';
import { backoffAfterAttempt, type EmailGuard, type EmailRetryPolicy, type EmailStatus } from '../domain/email';
import { AppError, UpstreamError } from '../errors';
import type { Logger } from '../observability/logger';
import type { Gmail } from '../providers/google/gmail';
import { rowNotVisible } from './row-not-visible';

/** What sending needs from the tenant's Gmail: its address, send, and a Message-ID lookup. */
export interface OutgoingMailbox {
  address: string;
  gmail: Pick<Gmail, 'send' | 'findByMessageId'>;
}

export interface EmailDeliveryDeps {
  /** A transaction as the tenant (row-level security), made once for the whole worker. */
  tx: RunAsTenant;
  logger: Logger;
  /** The tenant's connected mailbox; throws an AppError when there is none. */
  mailboxFor(tenantId: string): Promise<OutgoingMailbox>;
  /** Whether a guard still holds, read inside the tenant's transaction. */
  guardHolds(db: Db, guard: EmailGuard): Promise<boolean>;
  /** Gmail said the grant is revoked: mark the connection and tell the owner. */
  onReauthRequired(tenantId: string, detail: string): Promise<void>;
}

export interface SendEmailInput {
  tenantId: string;
  emailId: string;
  retry: EmailRetryPolicy;
}

export interface SendEmailResult {
  status: EmailStatus;
  gmailMessageId?: string;
  /** true when a retry found the message already in the mailbox instead of sending it again. */
  recovered?: boolean;
}

export function createEmailDeliveryActivities(deps: EmailDeliveryDeps) {
  const { tx } = deps;

  async function sendEmail(input: SendEmailInput): Promise<SendEmailResult> {
    const { tenantId, emailId } = input;
    const email = await tx(tenantId, (db) => beginSendAttempt(db, emailId));
    if (!email) {
      // Already settled (sent, failed or cancelled) by an earlier attempt or run, or not committed yet.
      const current = await tx(tenantId, (db) => findEmail(db, emailId));
      if (!current) throw rowNotVisible(`email ${emailId}`);
      return { status: current.status };
    }
    const log = deps.logger.child({ tenantId, emailId, attempt: email.attempts });

    try {
      if (email.guard && !(await tx(tenantId, (db) => deps.guardHolds(db, email.guard as EmailGuard)))) {
        await tx(tenantId, (db) =>
          markEmailCancelled(db, emailId, `not sent: ${describeGuard(email.guard as EmailGuard)} no longer holds`),
        );
        log.info('email cancelled by its guard');
        return { status: 'cancelled' };
      }
      const mailbox = await deps.mailboxFor(tenantId);

      // Any attempt after the first may follow one that reached Gmail but never heard back
      // (a timeout, a 5xx, a worker killed mid-call): look before sending again.
      if (email.attempts > 1) {
        const existing = await mailbox.gmail.findByMessageId(email.messageId);
        if (existing) {
          await tx(tenantId, (db) =>
            markEmailSent(db, emailId, { gmailMessageId: existing.id, gmailThreadId: existing.threadId }),
          );
          log.info({ gmailMessageId: existing.id }, 'email found already sent; not sending again');
          return { status: 'sent', gmailMessageId: existing.id, recovered: true };
        }
      }

      Context.current().heartbeat();
      const sent = await mailbox.gmail.send({
        from: mailbox.address,
        to: email.to,
        subject: email.subject,
        text: email.text,
        ...(email.html ? { html: email.html } : {}),
        messageId: email.messageId,
        ...(email.threadId ? { threadId: email.threadId } : {}),
        ...(email.inReplyTo ? { inReplyTo: email.inReplyTo } : {}),
        ...(email.references ? { references: email.references.split(/\s+/).filter(Boolean) } : {}),
      });
      await tx(tenantId, (db) => markEmailSent(db, emailId, { gmailMessageId: sent.id, gmailThreadId: sent.threadId }));
      log.info({ gmailMessageId: sent.id }, 'email sent');
      return { status: 'sent', gmailMessageId: sent.id };
    } catch (err) {
      throw await settleFailure(input, err, log);
    }
  }

  /** Records the failure on the outbox row and turns it into the right Temporal failure. */
  async function settleFailure(input: SendEmailInput, err: unknown, log: Logger): Promise<unknown> {
    const { tenantId, emailId } = input;
    const retryable = err instanceof UpstreamError ? err.retryable : !(err instanceof AppError);
    const code = err instanceof UpstreamError ? err.code : err instanceof AppError ? err.type : 'internal';
    const message = err instanceof Error ? err.message : String(err);
    const summary = `${code}: ${message}`.slice(0, 500);

    if (!retryable) {
      // The connection is marked before the email shows failed, so whoever sees the failure also
      // sees why.
      if (code === 'reauth_required') await deps.onReauthRequired(tenantId, message);
      await tx(tenantId, (db) => markEmailFailed(db, emailId, summary));
      log.warn({ code }, 'email failed permanently');
      return ApplicationFailure.create({ message: summary, type: code, nonRetryable: true });
    }
    await tx(tenantId, (db) => markEmailRetrying(db, emailId, summary));
    const attempt = Context.current().info.attempt;
    const backoff = backoffAfterAttempt(input.retry, attempt);
    const retryAfter = err instanceof UpstreamError ? (err.details.retryAfterMs ?? 0) : 0;
    log.warn(
      { code, retryAfterMs: retryAfter, nextTryInMs: Math.max(backoff, retryAfter) },
      'email send failed; will retry',
    );
    if (!(err instanceof UpstreamError)) return err; // an unexpected error keeps its stack for the history
    // The provider's Retry-After is a floor under the backoff, never a shortcut around it.
    return ApplicationFailure.create({
      message: summary,
      type: code,
      nonRetryable: false,
      nextRetryDelay: Math.max(backoff, retryAfter),
    });
  }

  /** The retry budget ran out (or the workflow gave up): the row says failed, with the last error. */
  async function recordEmailGaveUp(input: { tenantId: string; emailId: string; reason: string }): Promise<void> {
    await tx(input.tenantId, async (db) => {
      const email = await findEmail(db, input.emailId);
      const last = email?.lastError ? `; last error ${email.lastError}` : '';
      await markEmailFailed(db, input.emailId, `${input.reason}${last}`.slice(0, 500));
    });
  }

  /** Settles a queued/sending row as cancelled; a row already sent stays sent. */
  async function recordEmailCancelled(input: { tenantId: string; emailId: string }): Promise<void> {
    await tx(input.tenantId, (db) => markEmailCancelled(db, input.emailId, 'cancelled before it was sent'));
  }

  return { sendEmail, recordEmailGaveUp, recordEmailCancelled };
}

function describeGuard(guard: EmailGuard): string {
  switch (guard.kind) {
    case 'invoice_open':
      return `invoice ${guard.invoiceId} open`;
    case 'booking_current':
      return `booking ${guard.bookingId} confirmed at ${guard.startAt}`;
  }
}
