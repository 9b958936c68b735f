// google_accounts: the tenant's connected Google account, which is its mailbox. The row holds the
// grant (refresh token as ciphertext; sealing and opening it is the provider layer's job,
// src/providers/google/refresh-token-vault.ts), the mailbox id, users.watch state and the sync
// cursor, and says when Google refused the grant. History ids are uint64 decimal strings,
// compared as numbers in SQL.
import { z } from 'zod';
import { sql, type Db } from './sql';

export const mailboxRow = z.object({
  id: z.guid(),
  tenantId: z.guid(),
  email: z.string(),
  refreshTokenCiphertext: z.string(),
  scopes: z.array(z.string()),
  status: z.enum(['connected', 'reauth_required']),
  statusDetail: z.string().nullable(),
  connectedAt: z.date(),
  watchHistoryId: z.string().nullable(),
  watchExpiresAt: z.date().nullable(),
  watchRenewedAt: z.date().nullable(),
  syncHistoryId: z.string().nullable(),
  lastSyncedAt: z.date().nullable(),
  lastSyncError: z.string().nullable(),
});
export type Mailbox = z.infer<typeof mailboxRow>;

const columns = sql.fragment`
  id, tenant_id AS "tenantId", email, refresh_token_ciphertext AS "refreshTokenCiphertext", scopes, status,
  status_detail AS "statusDetail", connected_at AS "connectedAt", watch_history_id AS "watchHistoryId",
  watch_expires_at AS "watchExpiresAt", watch_renewed_at AS "watchRenewedAt", sync_history_id AS "syncHistoryId",
  last_synced_at AS "lastSyncedAt", last_sync_error AS "lastSyncError"`;

export async function findMailbox(db: Db, tenantId: string): Promise<Mailbox | null> {
  return db.maybeOne(sql.type(mailboxRow)`SELECT ${columns} FROM google_accounts WHERE tenant_id = ${tenantId}`);
}

/**
 * Connects the tenant's mailbox, or reconnects it with a new grant (the old refresh token is
 * replaced and reauth_required cleared). Reconnecting the same address keeps the mailbox id and
 * the sync cursor, so mail that arrived while access was revoked is still read; another address
 * is another mailbox: new id, no cursor, no watch. An address another business connected raises
 * slonik's UniqueIntegrityConstraintViolationError (google_accounts_email_key).
 */
export async function connectMailbox(
  db: Db,
  input: { tenantId: string; email: string; refreshTokenCiphertext: string; scopes: string[] },
): Promise<Mailbox> {
  const same = sql.fragment`lower(google_accounts.email) = lower(EXCLUDED.email)`;
  return db.one(sql.type(mailboxRow)`
    INSERT INTO google_accounts (tenant_id, email, refresh_token_ciphertext, scopes)
    VALUES (${input.tenantId}, ${input.email}, ${input.refreshTokenCiphertext}, ${sql.array(input.scopes, 'text')})
    ON CONFLICT (tenant_id) DO UPDATE SET
      id = CASE WHEN ${same} THEN google_accounts.id ELSE gen_random_uuid() END,
      sync_history_id = CASE WHEN ${same} THEN google_accounts.sync_history_id END,
      last_synced_at = CASE WHEN ${same} THEN google_accounts.last_synced_at END,
      watch_history_id = CASE WHEN ${same} THEN google_accounts.watch_history_id END,
      watch_expires_at = CASE WHEN ${same} THEN google_accounts.watch_expires_at END,
      watch_renewed_at = CASE WHEN ${same} THEN google_accounts.watch_renewed_at END,
      last_sync_error = NULL,
      email = EXCLUDED.email,
      refresh_token_ciphertext = EXCLUDED.refresh_token_ciphertext,
      scopes = EXCLUDED.scopes,
      status = 'connected',
      status_detail = NULL,
      connected_at = now(),
      updated_at = now()
    RETURNING ${columns}`);
}

/** What users.watch answered. Only for the mailbox still connected under this id. */
export async function recordWatch(
  db: Db,
  mailboxId: string,
  watch: { historyId: string; expiresAt: Date },
): Promise<boolean> {
  const result = await db.query(sql.typeAlias('void')`
    UPDATE google_accounts
       SET watch_history_id = ${watch.historyId}, watch_expires_at = ${watch.expiresAt.toISOString()},
           watch_renewed_at = now(), updated_at = now()
     WHERE id = ${mailboxId}`);
  return result.rowCount > 0;
}

/**
 * Moves the sync cursor forward to `historyId` after the messages up to it are stored. Never
 * backwards: a late pass (a retried activity that outlived its heartbeat) cannot undo a newer one.
 */
export async function advanceSyncCursor(db: Db, mailboxId: string, historyId: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE google_accounts
       SET sync_history_id = ${historyId}, last_synced_at = now(), last_sync_error = NULL, updated_at = now()
     WHERE id = ${mailboxId}
       AND (sync_history_id IS NULL OR sync_history_id::numeric <= ${historyId}::numeric)`);
}

export async function recordSyncError(db: Db, mailboxId: string, error: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE google_accounts SET last_sync_error = ${error.slice(0, 500)}, updated_at = now() WHERE id = ${mailboxId}`);
}

/** Google refused the grant: the owner must connect again before mail or calendar work resumes. */
export async function markGoogleAccountReauthRequired(db: Db, tenantId: string, detail: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    UPDATE google_accounts SET status = 'reauth_required', status_detail = ${detail}, updated_at = now()
    WHERE tenant_id = ${tenantId}`);
}

const tenantIdRow = z.object({ tenant_id: z.guid().nullable() });

/** Which tenant owns a mailbox, outside any tenant transaction (the Gmail push names only the address). */
export async function tenantForGoogleMailbox(db: Db, email: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(tenantIdRow)`
    SELECT tenant_for_google_mailbox(${email}) AS tenant_id`);
}
