// The state of the Google grant each tenant connected, beside the mailbox row itself
// (db/mailboxes.ts: connect, find): Google refusing the grant, and which tenant owns an address.
// The refresh token is stored only as ciphertext; sealing and opening it is the provider layer's
// job (src/providers/google/refresh-token-vault.ts).
import { z } from 'zod';
import { sql, type Db } from './sql';

/** Google refused the grant: the owner must connect again before mail or calendar work resumes. */
export async function markGoogleAccountReauthRequired(db: Db, tenantId: string, detail: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE google_accounts SET status = 'reauth_required', status_detail = ${detail}, updated_at = now()
    WHERE tenant_id = ${tenantId}`);
}

/** Which tenant owns a mailbox, outside any tenant transaction (the Gmail push names only the address). */
export async function tenantForGoogleMailbox(db: Db, email: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ tenant_id: z.guid().nullable() }))`
    SELECT tenant_for_google_mailbox(${email}) AS tenant_id`);
}
