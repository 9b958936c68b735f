// The Google mailbox each tenant connected. Stores the refresh token only as ciphertext; sealing
// and opening it is the provider layer's job (src/providers/google/refresh-token-vault.ts).
import { z } from 'zod';
import { sql, type Db } from './sql';

export const googleAccountRow = z.object({
  tenant_id: z.string().uuid(),
  email: z.string(),
  refresh_token_ciphertext: z.string(),
  scopes: z.array(z.string()),
  status: z.enum(['connected', 'reauth_required']),
  status_detail: z.string().nullable(),
  connected_at: z.date(),
  updated_at: z.date(),
});
export type GoogleAccount = z.infer<typeof googleAccountRow>;

const columns = sql.fragment`tenant_id, email, refresh_token_ciphertext, scopes, status, status_detail, connected_at, updated_at`;

/** Connects (or reconnects) the tenant's mailbox; a reconnect clears reauth_required. */
export async function saveGoogleAccount(
  db: Db,
  account: { tenantId: string; email: string; refreshTokenCiphertext: string; scopes: string[] },
): Promise<GoogleAccount> {
  return db.one(sql.type(googleAccountRow)`
    INSERT INTO google_accounts (tenant_id, email, refresh_token_ciphertext, scopes)
    VALUES (${account.tenantId}, ${account.email}, ${account.refreshTokenCiphertext}, ${sql.array(account.scopes, 'text')})
    ON CONFLICT (tenant_id) DO UPDATE SET
      email = EXCLUDED.email,
      refresh_token_ciphertext = EXCLUDED.refresh_token_ciphertext,
      scopes = EXCLUDED.scopes,
      status = 'connected',
      status_detail = NULL,
      connected_at = now(),
      updated_at = now()
    RETURNING ${columns}`);
}

export async function findGoogleAccount(db: Db, tenantId: string): Promise<GoogleAccount | null> {
  return db.maybeOne(sql.type(googleAccountRow)`SELECT ${columns} FROM google_accounts WHERE tenant_id = ${tenantId}`);
}

/** Google refused the grant: the owner must connect again before mail or calendar work resumes. */
export async function markGoogleAccountReauthRequired(db: Db, tenantId: string, detail: string): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE google_accounts SET status = 'reauth_required', status_detail = ${detail}, updated_at = now()
    WHERE tenant_id = ${tenantId}`);
}

export async function deleteGoogleAccount(db: Db, tenantId: string): Promise<void> {
  await db.query(sql.unsafe`DELETE FROM google_accounts WHERE tenant_id = ${tenantId}`);
}

/** Which tenant owns a mailbox, outside any tenant transaction (the Gmail push names only the address). */
export async function tenantForGoogleMailbox(db: Db, email: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ tenant_id: z.string().uuid().nullable() }))`
    SELECT tenant_for_google_mailbox(${email}) AS tenant_id`);
}
