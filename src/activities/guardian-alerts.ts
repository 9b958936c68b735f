// The owner hears about each unsafe thread once: an email written to the outbox here (purpose
// owner_alert) and delivered by an emailDelivery child of the guardian, plus a text message for a
// high-severity finding when the business set an alert phone. The finding's row records what was
// done, so a retried activity or a restarted guardian never sends a second alert.
import type { Config } from '../config';
import { queueEmail } from '../db/emails';
import { findGuardianSettings } from '../db/guardian-settings';
import type { Db } from '../db/sql';
import type { RunAsTenant } from '../db/tenant-transaction';
import { findTenant } from '../db/tenants';
import { findThread } from '../db/threads';
import { claimAlertEmail, findUnsafeThread, markFindingAlerted, recordAlertSms } from '../db/unsafe-threads';
import { listOwnerEmails } from '../db/users';
import { unsafeThreadAlertMessage } from '../domain/guardian-alert';
import { UpstreamError } from '../errors';
import type { Logger } from '../observability/logger';
import { IntegrationUnconfiguredError } from '../providers/integration';
import type { Sms } from '../providers/twilio';
import { sendTextOnce } from './send-text-once';

export interface GuardianAlertDeps {
  config: Config;
  /** A transaction as the tenant (row-level security), made once for the whole worker. */
  tx: RunAsTenant;
  logger: Logger;
  /** Throws IntegrationUnconfiguredError when Twilio is not configured. */
  sms: () => Pick<Sms, 'send' | 'findSent'>;
}

export interface PreparedAlert {
  /** The outbox email to deliver; null when there is nothing to send (see `note`). */
  emailId: string | null;
  /** Whether to start (or start again) the email's delivery; it is sent once either way. */
  deliver: boolean;
  /** A high-severity finding: text the owner too. */
  sms: boolean;
  note: string | null;
}

export function createGuardianAlertActivities(deps: GuardianAlertDeps) {
  const { tx } = deps;

  async function alertText(db: Db, tenantId: string, findingId: string) {
    const finding = await findUnsafeThread(db, findingId);
    if (!finding) return null;
    const [tenant, thread] = await Promise.all([findTenant(db, tenantId), findThread(db, finding.threadId)]);
    const message = unsafeThreadAlertMessage({
      businessName: tenant?.name ?? 'your business',
      category: finding.category,
      severity: finding.severity,
      reason: finding.reason,
      subject: thread?.subject ?? '',
      from: thread?.lastFrom ?? null,
      threadId: finding.threadId,
      unsafeThreadId: finding.id,
      publicBaseUrl: deps.config.http.publicBaseUrl,
    });
    return { finding, message };
  }

  return {
    /** The email id comes from the workflow, so a retry of this activity reuses the same outbox row. */
    async prepareUnsafeThreadAlert(input: {
      tenantId: string;
      findingId: string;
      emailId: string;
    }): Promise<PreparedAlert> {
      return tx(input.tenantId, async (db) => {
        const found = await alertText(db, input.tenantId, input.findingId);
        if (!found || found.finding.status !== 'open')
          return {
            emailId: null,
            deliver: false,
            sms: false,
            note: 'the finding was resolved before the alert went out',
          };
        const sms = found.finding.severity === 'high';
        const [owner] = await listOwnerEmails(db);
        if (!owner)
          return { emailId: null, deliver: false, sms, note: 'the business has no owner with an email address' };
        const claim = await claimAlertEmail(db, input.findingId, input.emailId);
        // Queued by an earlier attempt whose delivery may not have started: delivering it again is
        // safe, since emailDelivery never sends an email that is already sent.
        if (!claim.claimed)
          return { emailId: claim.emailId, deliver: claim.emailId !== null, sms, note: 'queued by an earlier attempt' };
        await queueEmail(db, {
          id: input.emailId,
          tenantId: input.tenantId,
          purpose: 'owner_alert',
          to: owner,
          subject: found.message.subject,
          text: found.message.text,
        });
        return { emailId: input.emailId, deliver: true, sms, note: null };
      });
    },

    /**
     * Texts the owner's alert phone. Skipped (and recorded why) without a phone or without Twilio;
     * a send whose answer was lost is looked for before a retry sends again.
     */
    async sendUnsafeThreadAlertSms(input: {
      tenantId: string;
      findingId: string;
    }): Promise<{ status: 'sent' | 'skipped' | 'failed'; detail: string | null }> {
      const prepared = await tx(input.tenantId, async (db) => {
        const found = await alertText(db, input.tenantId, input.findingId);
        const settings = await findGuardianSettings(db);
        return { found, phone: settings?.alertPhone ?? null };
      });
      if (!prepared.found) return { status: 'skipped', detail: 'the finding is gone' };
      const { finding, message } = prepared.found;
      if (finding.alertSmsStatus === 'sent') return { status: 'sent', detail: finding.alertSmsDetail };
      const record = async (status: 'sent' | 'skipped' | 'failed', detail: string | null) => {
        await tx(input.tenantId, (db) => recordAlertSms(db, input.findingId, { status, detail }));
        return { status, detail };
      };
      if (!prepared.phone)
        return record('skipped', 'no alert phone is set (PUT /api/guardian/settings { alertPhone })');
      let sms: Pick<Sms, 'send' | 'findSent'>;
      try {
        sms = deps.sms();
      } catch (err) {
        if (err instanceof IntegrationUnconfiguredError) return record('skipped', err.message);
        throw err;
      }
      try {
        const sent = await sendTextOnce(sms, { to: prepared.phone, body: message.sms });
        return record('sent', sent.recovered ? `found after an ambiguous failure (${sent.sid})` : sent.sid);
      } catch (err) {
        if (err instanceof UpstreamError && !err.retryable) {
          deps.logger.warn({ tenantId: input.tenantId, code: err.code }, 'guardian alert SMS failed');
          return record('failed', `${err.code}: ${err.message}`.slice(0, 300));
        }
        throw err;
      }
    },

    async markUnsafeThreadAlerted(input: { tenantId: string; findingId: string }): Promise<void> {
      await tx(input.tenantId, (db) => markFindingAlerted(db, input.findingId));
    },
  };
}
