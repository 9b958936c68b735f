// Single use of Gmail connect links: the signed state's nonce is claimed when its callback
// arrives, so a state seen in a browser history or a log cannot connect a mailbox a second time.
import { sql, type Db } from './sql';

/** true the first time a nonce is redeemed; false for any repeat. */
export async function redeemOAuthState(
  db: Db,
  state: { nonce: string; tenantId: string; userId: string; expiresAt: Date },
): Promise<boolean> {
  // Nonces past their expiry can never verify again, so their rows are no longer needed.
  await db.query(sql.typeAlias('void')`DELETE FROM gmail_oauth_states WHERE expires_at < now() - interval '1 day'`);
  const claimed = await db.query(sql.typeAlias('void')`
    INSERT INTO gmail_oauth_states (nonce, tenant_id, user_id, expires_at)
    VALUES (${state.nonce}, ${state.tenantId}, ${state.userId}, ${state.expiresAt.toISOString()})
    ON CONFLICT (nonce) DO NOTHING`);
  return claimed.rowCount === 1;
}
