// What Twilio's two webhooks do once their signature checked out. Twilio names no tenant of
// ours: an inbound text is matched to every tenant with a client at the sender's number, a status
// callback to the tenant whose text (or reminder text) carries the SID. Both are safe to repeat:
// Twilio retries a webhook that timed out.
import { randomUUID } from 'node:crypto';
import type { DatabasePool } from 'slonik';
import { insertAuditEntry } from '../../../db/audit';
import { applyBookingSmsDeliveryStatus } from '../../../db/booking-reminders';
import { findClientsByPhone } from '../../../db/clients';
import { setSmsConsentByPhone } from '../../../db/sms-consent';
import {
  applyReminderSmsDeliveryStatus,
  applySmsDeliveryStatus,
  insertInboundSms,
  tenantForSmsSid,
  tenantsWithClientPhone,
} from '../../../db/sms-messages';
import { withTenant } from '../../../db/tenant-transaction';
import {
  deliveryStatusOf,
  keywordConsentSource,
  smsKeywordOf,
  twilioDeliveryErrorCode,
  type SmsKeyword,
} from '../../../domain/sms';

export interface InboundText {
  sid: string;
  from: string;
  to: string;
  body: string;
}

/** Stores the text for each tenant that knows the sender and applies STOP/START there. */
export async function receiveInboundText(
  pool: DatabasePool,
  text: InboundText,
  requestId: string,
): Promise<{ keyword: SmsKeyword | null; tenants: number }> {
  const keyword = smsKeywordOf(text.body);
  const tenantIds = await tenantsWithClientPhone(pool, text.from);
  for (const tenantId of tenantIds) {
    await withTenant(pool, tenantId, async (db) => {
      const [client] = await findClientsByPhone(db, text.from);
      const stored = await insertInboundSms(db, {
        id: randomUUID(),
        tenantId,
        clientId: client?.id ?? null,
        to: text.to,
        from: text.from,
        body: text.body,
        keyword,
        twilioSid: text.sid,
      });
      if (!stored) return; // a redelivery: handled the first time
      await insertAuditEntry(db, {
        tenantId,
        actorId: null,
        action: 'sms.received',
        target: `sms:${stored.id}`,
        requestId,
        detail: { clientId: stored.clientId, keyword },
      });
      if (keyword === 'stop' || keyword === 'start') {
        await setSmsConsentByPhone(db, {
          tenantId,
          phone: text.from,
          granted: keyword === 'start',
          source: keywordConsentSource(keyword),
          requestId,
        });
      }
    });
  }
  return { keyword, tenants: tenantIds.length };
}

export type StatusOutcome = 'applied' | 'stale' | 'ignored' | 'unknown';

/**
 * What the callback URL we gave Twilio names (Twilio signs it): our text, or a payment reminder's.
 * A booking text's URL names none: it is found by its SID.
 */
export type StatusTarget =
  { tenantId: string; smsId: string } | { tenantId: string; invoiceId: string; step: number } | null;

/**
 * Moves the text (or reminder text) forward; an opt-out error (21610) withdraws consent. The
 * text is found by the ids in the callback URL, or by its SID for a URL without them.
 */
export async function applyDeliveryStatus(
  pool: DatabasePool,
  callback: { sid: string; status: string; to?: string | undefined; errorCode?: string | undefined },
  target: StatusTarget,
  requestId: string,
): Promise<StatusOutcome> {
  const status = deliveryStatusOf(callback.status);
  if (!status) return 'ignored';
  const tenantId = target?.tenantId ?? (await tenantForSmsSid(pool, callback.sid));
  if (!tenantId) return 'unknown';
  const update = {
    sid: callback.sid,
    status,
    error: callback.errorCode ? `${twilioDeliveryErrorCode(callback.errorCode)} (Twilio ${callback.errorCode})` : null,
  };
  return withTenant(pool, tenantId, async (db) => {
    let changed: boolean;
    let phone = callback.to;
    if (target && 'invoiceId' in target) {
      changed = await applyReminderSmsDeliveryStatus(db, { invoiceId: target.invoiceId, step: target.step }, update);
    } else {
      const text = await applySmsDeliveryStatus(db, target ? { id: target.smsId } : { sid: callback.sid }, update);
      phone = text?.to ?? phone;
      changed =
        text !== null ||
        (!target &&
          ((await applyReminderSmsDeliveryStatus(db, { sid: callback.sid }, update)) ||
            (await applyBookingSmsDeliveryStatus(db, update))));
    }
    if (callback.errorCode === '21610' && phone) {
      await setSmsConsentByPhone(db, { tenantId, phone, granted: false, source: 'twilio:21610', requestId });
    }
    return changed ? 'applied' : 'stale';
  });
}
