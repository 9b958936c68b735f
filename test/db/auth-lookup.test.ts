// The one cross-tenant read login needs (email → tenant id), and RLS on every tenant table.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { sql } from '../../src/db/sql';
import { withTenant } from '../../src/db/tenant-transaction';
import { insertInvitation, revokeInvitation } from '../../src/db/invitations';
import { insertUser, tenantIdForEmail, tenantIdForInvitedEmail } from '../../src/db/users';
import { createAppPool, createTenant } from '../helpers/db';

let pool: DatabasePool;
let owner: pg.Client;
let tenantId: string;
const email = `Lookup-${randomUUID()}@Example.com`;

beforeAll(async () => {
  pool = await createAppPool();
  owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await owner.connect();
  tenantId = await createTenant(pool, 'Lookup salon');
  await withTenant(pool, tenantId, (tx) => insertUser(tx, { tenantId, email, passwordHash: 'x', role: 'owner' }));
});
afterAll(async () => {
  await owner.end();
  await pool.end();
});

it("answers an email's tenant, in any letter case, outside any tenant transaction", async () => {
  expect(await tenantIdForEmail(pool, email.toLowerCase())).toBe(tenantId);
  expect(await tenantIdForEmail(pool, email.toUpperCase())).toBe(tenantId);
  expect(await tenantIdForEmail(pool, `nobody-${randomUUID()}@example.com`)).toBeNull();
});

it('tells nothing else: the app role still sees no user outside a tenant transaction', async () => {
  expect(await pool.any(sql.type(z.object({ id: z.string() }))`SELECT id FROM users`)).toEqual([]);
});

it("answers the tenant of an email's newest pending invitation (SSO acceptance), nothing once revoked or expired", async () => {
  const invited = `Invited-${randomUUID()}@Example.com`;
  const expired = `Expired-${randomUUID()}@Example.com`;
  const hash = () => randomUUID().replace(/-/g, '').repeat(2);
  const id = await withTenant(pool, tenantId, async (tx) => {
    await insertInvitation(tx, {
      tenantId,
      email: expired,
      role: 'staff',
      tokenHash: hash(),
      invitedBy: randomUUID(),
      expiresAt: new Date(Date.now() - 1000),
    });
    return (
      await insertInvitation(tx, {
        tenantId,
        email: invited,
        role: 'staff',
        tokenHash: hash(),
        invitedBy: randomUUID(),
        expiresAt: new Date(Date.now() + 3_600_000),
      })
    ).id;
  });
  expect(await tenantIdForInvitedEmail(pool, invited.toUpperCase())).toBe(tenantId);
  expect(await tenantIdForInvitedEmail(pool, expired)).toBeNull();
  expect(await pool.any(sql.type(z.object({ id: z.string() }))`SELECT id FROM invitations`)).toEqual([]);
  await withTenant(pool, tenantId, (tx) => revokeInvitation(tx, id));
  expect(await tenantIdForInvitedEmail(pool, invited)).toBeNull();
});

it.each(['auth_tenant_for_email', 'auth_tenant_for_invited_email'])(
  '%s is a SECURITY DEFINER function of the migration role, with a fixed search_path, callable by the app role only',
  async (name) => {
    const { rows } = await owner.query(
      `
    SELECT p.prosecdef, pg_get_userbyid(p.proowner) AS owner, p.proconfig,
           has_function_privilege('frontdesk_app', p.oid, 'EXECUTE') AS app_may,
           has_function_privilege('public', p.oid, 'EXECUTE') AS public_may
      FROM pg_proc p WHERE p.proname = $1`,
      [name],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ prosecdef: true, app_may: true, public_may: false });
    expect(rows[0].owner).not.toBe('frontdesk_app');
    expect(rows[0].proconfig).toEqual(['search_path=pg_catalog, public']);
  },
);

it('has row-level security with a tenant_isolation policy on every table that holds tenant_id', async () => {
  const { rows } = await owner.query(`
    SELECT c.relname AS table, c.relrowsecurity AS rls,
           EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation') AS policy
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r'
       AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)`);
  expect(rows.map((r) => r.table)).toEqual(
    expect.arrayContaining(['users', 'clients', 'refresh_tokens', 'idempotency_keys', 'audit_log', 'invitations']),
  );
  expect(rows.filter((r) => !r.rls || !r.policy).map((r) => r.table)).toEqual([]);
});

it("keeps one tenant's clients out of another's transaction", async () => {
  const other = await createTenant(pool, 'Other salon');
  const clientId = await withTenant(pool, tenantId, (tx) =>
    tx.oneFirst(
      sql.type(
        z.object({ id: z.string() }),
      )`INSERT INTO clients (tenant_id, name) VALUES (${tenantId}, 'Ada') RETURNING id`,
    ),
  );
  const seen = await withTenant(pool, other, (tx) =>
    tx.any(sql.type(z.object({ id: z.string() }))`SELECT id FROM clients WHERE id = ${clientId}`),
  );
  expect(seen).toEqual([]);
  await expect(
    withTenant(pool, other, (tx) =>
      tx.query(sql.unsafe`INSERT INTO clients (tenant_id, name) VALUES (${tenantId}, 'Intruder')`),
    ),
  ).rejects.toThrow(/row-level security/);
});
