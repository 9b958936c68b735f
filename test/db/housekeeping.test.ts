// purge_expired_records, called as the app role (which has no DELETE of its own on these tables):
// what has outlived its use goes, across tenants; what is still live stays.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DatabasePool } from 'slonik';
import { purgeExpiredRecords } from '../../src/db/housekeeping';
import { sql } from '../../src/db/sql';
import { createAppPool, createTenant } from '../helpers/db';

let pool: DatabasePool;
let owner: pg.Client; // the migration role, to plant rows of every age

beforeAll(async () => {
  pool = await createAppPool();
  owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await owner.connect();
});

afterAll(async () => {
  await owner?.end();
  await pool?.end();
});

async function plant(tenantId: string, tag: string) {
  const userId = (
    await owner.query<{ id: string }>(
      `INSERT INTO users (tenant_id, email, password_hash, role) VALUES ($1, $2, 'x', 'owner') RETURNING id`,
      [tenantId, `${tag}-${randomUUID()}@example.com`],
    )
  ).rows[0]!.id;
  const token = (expiresAt: string) =>
    owner.query(
      `INSERT INTO refresh_tokens (tenant_id, user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, ${expiresAt})`,
      [tenantId, userId, randomUUID(), randomBytes(32).toString('hex')],
    );
  await token(`now() - interval '2 days'`); // expired two days ago: goes
  await token(`now() - interval '1 hour'`); // just expired: kept a day, for a late reuse attempt
  await token(`now() + interval '10 days'`); // live
  const state = (expiresAt: string) =>
    owner.query(
      `INSERT INTO gmail_oauth_states (nonce, tenant_id, user_id, expires_at) VALUES ($1, $2, $3, ${expiresAt})`,
      [randomUUID(), tenantId, userId],
    );
  await state(`now() - interval '1 minute'`);
  await state(`now() + interval '9 minutes'`);
  const key = (createdAt: string) =>
    owner.query(
      `INSERT INTO idempotency_keys (tenant_id, key, request_hash, created_at) VALUES ($1, $2, 'h', ${createdAt})`,
      [tenantId, randomUUID()],
    );
  await key(`now() - interval '25 hours'`);
  await key(`now() - interval '1 hour'`);
}

const remaining = async (table: string, tenantIds: string[]) =>
  Number((await owner.query(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = ANY($1)`, [tenantIds])).rows[0].n);

it('purges expired rows of every tenant and keeps the live ones', async () => {
  const tenants = [await createTenant(pool, 'Purge A'), await createTenant(pool, 'Purge B')];
  for (const [i, t] of tenants.entries()) await plant(t, `t${i}`);
  const prefix = `purge-${randomUUID()}`;
  const nowMs = Date.now();
  await owner.query(`INSERT INTO rate_limits (key, points, expire) VALUES ($1, 1, $2), ($3, 1, $4), ($5, 1, NULL)`, [
    `${prefix}:old`,
    nowMs - 2 * 3600_000, // expired two hours ago: goes
    `${prefix}:recent`,
    nowMs - 60_000, // expired a minute ago: kept an hour, as the library does
    `${prefix}:forever`,
  ]);

  const purged = await purgeExpiredRecords(pool, { idempotencyTtlHours: 24 });

  // Other test files may have left expired rows too: at least ours went.
  expect(purged.refreshTokens).toBeGreaterThanOrEqual(2);
  expect(purged.oauthStates).toBeGreaterThanOrEqual(2);
  expect(purged.idempotencyKeys).toBeGreaterThanOrEqual(2);
  expect(purged.rateLimits).toBeGreaterThanOrEqual(1);
  expect(await remaining('refresh_tokens', tenants)).toBe(4);
  expect(await remaining('gmail_oauth_states', tenants)).toBe(2);
  expect(await remaining('idempotency_keys', tenants)).toBe(2);
  const keys = (
    await owner.query(`SELECT key FROM rate_limits WHERE key LIKE $1 ORDER BY key`, [`${prefix}:%`])
  ).rows.map((r) => r.key);
  expect(keys).toEqual([`${prefix}:forever`, `${prefix}:recent`]);
});

it('is the only way the app role deletes refresh tokens or connect links', async () => {
  await expect(pool.query(sql.unsafe`DELETE FROM refresh_tokens`)).rejects.toThrow(/permission denied/);
  await expect(pool.query(sql.unsafe`UPDATE gmail_oauth_states SET expires_at = now()`)).rejects.toThrow(
    /permission denied/,
  );
});
