// SMS consent follows the phone number: a STOP texted from it, or Twilio refusing to send to it
// (21610), withdraws the consent of every client of the tenant at that number, and START gives it
// back. Each change is stored with its source (sms:STOP, twilio:21610…) and audited.
import { insertAuditEntry } from './audit';
import { findClientsByPhone, updateClient } from './clients';
import type { Db } from './sql';

/** Returns the ids of the clients whose consent changed. */
export async function setSmsConsentByPhone(
  db: Db,
  change: { tenantId: string; phone: string; granted: boolean; source: string; requestId?: string | null },
): Promise<string[]> {
  const changed: string[] = [];
  for (const client of await findClientsByPhone(db, change.phone)) {
    if (client.smsConsent === change.granted) continue;
    await updateClient(db, client.id, { smsConsent: { granted: change.granted, source: change.source } });
    await insertAuditEntry(db, {
      tenantId: change.tenantId,
      actorId: null,
      action: change.granted ? 'client.sms_consent_given' : 'client.sms_consent_withdrawn',
      target: `client:${client.id}`,
      requestId: change.requestId ?? null,
      detail: { source: change.source },
    });
    changed.push(client.id);
  }
  return changed;
}
