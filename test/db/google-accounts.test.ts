// A tenant's Google mailbox: the refresh token stored only encrypted, behind RLS, found by
// address for the Gmail push, and usable end to end against the sandbox once opened.
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import {
  connectMailbox,
  findMailbox,
  markGoogleAccountReauthRequired,
  tenantForGoogleMailbox,
} from '../../src/db/google-accounts';
import { sql } from '../../src/db/sql';
import { withTenant } from '../../src/db/tenant-transaction';
import { createGmail } from '../../src/providers/google/gmail';
import { openRefreshToken, sealRefreshToken } from '../../src/providers/google/refresh-token-vault';
import { createAppPool, createTenant } from '../helpers/db';
import { type SandboxHarness, startTestSandbox } from '../helpers/sandbox';

let pool: DatabasePool;
let h: SandboxHarness;
let tenantA: string;
let tenantB: string;
const mailboxA = `owner-${Date.now()}@salon-a.example`;

beforeAll(async () => {
  pool = await createAppPool();
  h = await startTestSandbox();
  tenantA = await createTenant(pool, 'Salon A');
  tenantB = await createTenant(pool, 'Clinic B');
});
afterAll(async () => {
  await h.close();
  await pool.end();
});

describe('google_accounts', () => {
  it('stores the refresh token only as ciphertext, and the opened token drives Gmail', async () => {
    const refreshToken = await h.connectMailbox(mailboxA);
    const sealed = sealRefreshToken(h.config, refreshToken);
    await withTenant(pool, tenantA, (tx) =>
      connectMailbox(tx, {
        tenantId: tenantA,
        email: mailboxA,
        refreshTokenCiphertext: sealed,
        scopes: ['https://www.googleapis.com/auth/gmail.modify'],
      }),
    );
    const stored = await withTenant(pool, tenantA, (tx) =>
      tx.oneFirst(sql.type(z.object({ t: z.string() }))`SELECT refresh_token_ciphertext AS t FROM google_accounts`),
    );
    expect(stored).not.toContain(refreshToken);
    expect(stored).toBe(sealed);

    const account = await withTenant(pool, tenantA, (tx) => findMailbox(tx, tenantA));
    expect(account).toMatchObject({
      email: mailboxA,
      status: 'connected',
      scopes: ['https://www.googleapis.com/auth/gmail.modify'],
    });
    const gmail = createGmail(h.config, { refreshToken: openRefreshToken(h.config, account!.refreshTokenCiphertext) });
    expect((await gmail.getProfile()).emailAddress).toBe(mailboxA);
  });

  it('is invisible to another tenant, yet the push lookup finds the owner by address', async () => {
    await expect(withTenant(pool, tenantB, (tx) => findMailbox(tx, tenantA))).resolves.toBeNull();
    await expect(
      withTenant(pool, tenantB, (tx) =>
        tx.anyFirst(sql.type(z.object({ email: z.string() }))`SELECT email FROM google_accounts`),
      ),
    ).resolves.toEqual([]);
    await expect(tenantForGoogleMailbox(pool, mailboxA.toUpperCase())).resolves.toBe(tenantA);
    await expect(tenantForGoogleMailbox(pool, 'nobody@nowhere.example')).resolves.toBeNull();
  });

  it('refuses a mailbox already connected to another tenant', async () => {
    await expect(
      withTenant(pool, tenantB, (tx) =>
        connectMailbox(tx, { tenantId: tenantB, email: mailboxA, refreshTokenCiphertext: 'x', scopes: [] }),
      ),
    ).rejects.toThrow(/google_accounts_email_key|unique/i);
  });

  it('marks reauth_required and a reconnect clears it', async () => {
    await withTenant(pool, tenantA, (tx) => markGoogleAccountReauthRequired(tx, tenantA, 'invalid_grant'));
    expect(await withTenant(pool, tenantA, (tx) => findMailbox(tx, tenantA))).toMatchObject({
      status: 'reauth_required',
      statusDetail: 'invalid_grant',
    });
    const sealed = sealRefreshToken(h.config, await h.connectMailbox(mailboxA));
    const again = await withTenant(pool, tenantA, (tx) =>
      connectMailbox(tx, { tenantId: tenantA, email: mailboxA, refreshTokenCiphertext: sealed, scopes: [] }),
    );
    expect(again).toMatchObject({ status: 'connected', statusDetail: null });
  });
});
