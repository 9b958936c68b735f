// The send step of smsDelivery. Temporal retries it with backoff; this code makes each try safe
// to repeat: the row shows every attempt, consent is re-read right before the send (a STOP that
// arrived while the text waited wins), and a try after an ambiguous failure first asks Twilio
// whether the text already went (sendTextOnce).
import { ApplicationFailure, Context } from '@temporalio/activity';
import { findClient } from '../db/clients';
import { setSmsConsentByPhone } from '../db/sms-consent';
import {
  beginSmsAttempt,
  findSms,
  markSmsCancelled,
  markSmsFailed,
  markSmsRetrying,
  markSmsSent,
} from '../db/sms-messages';
import type { RunAsTenant } from '../db/tenant-transaction';
import { backoffAfterAttempt, type EmailRetryPolicy } from '../domain/email';
import type { SmsStatus } from '../domain/sms';
import { AppError, UpstreamError } from '../errors';
import type { Logger } from '../observability/logger';
import type { Sms } from '../providers/twilio';
import { rowNotVisible } from './row-not-visible';
import { sendTextOnce, sentByEarlierAttempt, smsStatusCallbackUrl } from './send-text-once';

export interface SmsDeliveryDeps {
  /** A transaction as the tenant (row-level security), made once for the whole worker. */
  tx: RunAsTenant;
  logger: Logger;
  sms(): Pick<Sms, 'send' | 'findSent'>;
  /** The API's public base URL: Twilio posts delivery statuses to its /api/sms/status. */
  publicBaseUrl: string;
}

export interface SendSmsInput {
  tenantId: string;
  smsId: string;
  retry: EmailRetryPolicy;
}

export interface SendSmsResult {
  status: SmsStatus;
  twilioSid?: string;
  /** true when a retry found the text already sent instead of sending it again. */
  recovered?: boolean;
  error?: string;
}

export function createSmsDeliveryActivities(deps: SmsDeliveryDeps) {
  const { tx } = deps;

  async function sendSms(input: SendSmsInput): Promise<SendSmsResult> {
    const { tenantId, smsId } = input;
    const begun = await tx(tenantId, async (db) => {
      const sms = await beginSmsAttempt(db, smsId);
      if (!sms?.clientId) return { sms, consent: true };
      const client = await findClient(db, sms.clientId);
      return { sms, consent: Boolean(client?.smsConsent && client.phone === sms.to) };
    });
    if (!begun.sms) {
      // Already settled by an earlier attempt or run, or not committed yet.
      const current = await tx(tenantId, (db) => findSms(db, smsId));
      if (!current) throw rowNotVisible(`sms ${smsId}`);
      return { status: current.status };
    }
    const sms = begun.sms;
    const log = deps.logger.child({ tenantId, smsId, attempt: sms.attempts });
    if (!begun.consent) {
      // An earlier attempt may have sent it before the answer was lost: the record says so then.
      const found = await sentByEarlierAttempt(deps.sms(), sms);
      if (found) {
        await tx(tenantId, (db) => markSmsSent(db, smsId, { twilioSid: found.sid, from: found.from }));
        return { status: 'sent', twilioSid: found.sid, recovered: true };
      }
      const reason = 'not sent: the client no longer consents to SMS (or their number changed)';
      await tx(tenantId, (db) => markSmsCancelled(db, smsId, reason));
      log.info('sms cancelled: consent withdrawn before it went out');
      return { status: 'cancelled', error: reason };
    }

    try {
      Context.current().heartbeat();
      const statusCallback = smsStatusCallbackUrl(deps.publicBaseUrl, { tenantId, smsId });
      const sent = await sendTextOnce(deps.sms(), { to: sms.to, body: sms.body, statusCallback });
      await tx(tenantId, (db) => markSmsSent(db, smsId, { twilioSid: sent.sid, from: sent.from }));
      log.info(
        { twilioSid: sent.sid, recovered: sent.recovered },
        sent.recovered ? 'sms found already sent; not sending again' : 'sms sent',
      );
      return { status: 'sent', twilioSid: sent.sid, ...(sent.recovered ? { recovered: true } : {}) };
    } catch (err) {
      throw await settleFailure(input, sms.to, err, log);
    }
  }

  /** Records the failure on the row and turns it into the right Temporal failure. */
  async function settleFailure(input: SendSmsInput, to: string, err: unknown, log: Logger): Promise<unknown> {
    const { tenantId, smsId } = input;
    // A permanent Twilio error, or one of ours (Twilio unconfigured on this worker): no retry.
    const permanent = err instanceof UpstreamError ? !err.retryable : err instanceof AppError;
    if (permanent) {
      const code = err instanceof UpstreamError ? err.code : (err as AppError).type;
      const summary = `${code}: ${(err as Error).message}`.slice(0, 500);
      await tx(tenantId, async (db) => {
        // Twilio refuses this number for good (it texted STOP): no client of ours there consents any more.
        if (code === 'recipient_opted_out')
          await setSmsConsentByPhone(db, { tenantId, phone: to, granted: false, source: 'twilio:21610' });
        await markSmsFailed(db, smsId, summary);
      });
      log.warn({ code }, 'sms failed permanently');
      return ApplicationFailure.create({ message: summary, type: code, nonRetryable: true });
    }
    const message = err instanceof Error ? err.message : String(err);
    await tx(tenantId, (db) => markSmsRetrying(db, smsId, message.slice(0, 500)));
    const attempt = Context.current().info.attempt;
    const backoff = backoffAfterAttempt(input.retry, attempt);
    const retryAfter = err instanceof ApplicationFailure && err.nextRetryDelay ? Number(err.nextRetryDelay) : 0;
    log.warn({ nextTryInMs: Math.max(backoff, retryAfter) }, 'sms send failed; will retry');
    if (!(err instanceof ApplicationFailure)) return err; // an unexpected error keeps its stack for the history
    // The provider's Retry-After is a floor under the backoff, never a shortcut around it.
    return ApplicationFailure.create({
      message: err.message,
      type: err.type ?? 'retryable',
      nonRetryable: false,
      nextRetryDelay: Math.max(backoff, retryAfter),
    });
  }

  /** The retry budget ran out: the row says failed, with the last error. */
  async function recordSmsGaveUp(input: { tenantId: string; smsId: string; reason: string }): Promise<void> {
    await tx(input.tenantId, async (db) => {
      const sms = await findSms(db, input.smsId);
      const last = sms?.lastError ? `; last error ${sms.lastError}` : '';
      await markSmsFailed(db, input.smsId, `${input.reason}${last}`.slice(0, 500));
    });
  }

  async function recordSmsCancelled(input: { tenantId: string; smsId: string }): Promise<void> {
    await tx(input.tenantId, (db) => markSmsCancelled(db, input.smsId, 'cancelled before it was sent'));
  }

  return { sendSms, recordSmsGaveUp, recordSmsCancelled };
}
