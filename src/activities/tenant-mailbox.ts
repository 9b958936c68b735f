// The Gmail a tenant's mail goes out through: its connected Google account. In sandbox mode a
// tenant that never connected is connected on first use, through the sandbox's own OAuth consent
// and token endpoints, so the same code path (stored encrypted refresh token → OAuth client →
// Gmail) runs in sandbox and live.
import type { Config } from '../config';
import { connectMailbox, findMailbox } from '../db/google-accounts';
import { withTenant } from '../db/tenant-transaction';
import { listOwnerEmails } from '../db/users';
import type { DatabasePool } from '../db/pool';
import { UpstreamError } from '../errors';
import { createGmail } from '../providers/google/gmail';
import { createGoogleOAuth } from '../providers/google/oauth';
import { openRefreshToken, sealRefreshToken } from '../providers/google/refresh-token-vault';
import { requireIntegration } from '../providers/integration';
import type { OutgoingMailbox } from './email-delivery';

export async function tenantMailbox(config: Config, pool: DatabasePool, tenantId: string): Promise<OutgoingMailbox> {
  const grant = await tenantGoogleGrant(config, pool, tenantId, 'gmail');
  return { address: grant.address, gmail: createGmail(config, { refreshToken: grant.refreshToken }) };
}

/**
 * The tenant's Google account (the one Gmail and Calendar are reached through) and its refresh
 * token, opened. Not connected, or access revoked, is a permanent failure naming what to do.
 */
export async function tenantGoogleGrant(
  config: Config,
  pool: DatabasePool,
  tenantId: string,
  integration: 'gmail' | 'calendar',
): Promise<{ address: string; refreshToken: string }> {
  const mode = requireIntegration(config, integration);
  let account = await withTenant(pool, tenantId, (db) => findMailbox(db, tenantId));
  if (!account && mode === 'sandbox') account = await connectSandboxMailbox(config, pool, tenantId);
  if (!account) {
    throw new UpstreamError('Google is not connected for this business: connect it through GET /api/gmail/connect', {
      provider: 'gmail',
      code: 'gmail_not_connected',
      retryable: false,
    });
  }
  if (account.status === 'reauth_required') {
    throw new UpstreamError(`Google needs to be connected again: ${account.statusDetail ?? 'access was revoked'}`, {
      provider: 'gmail',
      code: 'reauth_required',
      retryable: false,
    });
  }
  return { address: account.email, refreshToken: openRefreshToken(config, account.refreshTokenCiphertext) };
}

/** Sandbox only: the owner "consents" (the sandbox approves at once) and the grant is stored as in live. */
async function connectSandboxMailbox(config: Config, pool: DatabasePool, tenantId: string) {
  const [owner] = await withTenant(pool, tenantId, (db) => listOwnerEmails(db));
  const address = owner ?? `frontdesk-${tenantId.slice(0, 8)}@sandbox.frontdesk.test`;
  const oauth = createGoogleOAuth(config);
  const consent = await fetch(oauth.consentUrl({ state: 'sandbox-auto-connect', loginHint: address }), {
    redirect: 'manual',
  });
  const code = new URL(consent.headers.get('location') ?? '', config.sandbox.url).searchParams.get('code');
  if (!code)
    throw new UpstreamError('the sandbox consent gave no code', {
      provider: 'google-oauth',
      code: 'sandbox_consent_failed',
      retryable: true,
    });
  const { refreshToken, scopes } = await oauth.exchangeCode(code);
  return withTenant(
    pool,
    tenantId,
    async (db) =>
      (await findMailbox(db, tenantId)) ??
      connectMailbox(db, {
        tenantId,
        email: address,
        refreshTokenCiphertext: sealRefreshToken(config, refreshToken),
        scopes,
      }),
  );
}
