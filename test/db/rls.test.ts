// Row-level security, connected as the application role the API and worker use.
import { randomUUID } from 'node:crypto';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { assertConnectedAsAppRole } from '../../src/db/app-role-check';
import { sql } from '../../src/db/sql';
import { withTenant } from '../../src/db/tenant-transaction';
import { createAppPool, createTenant } from '../helpers/db';

let pool: DatabasePool;
let tenantA: string;
let tenantB: string;
let userA: string;

const idRow = z.object({ id: z.string() });

beforeAll(async () => {
  pool = await createAppPool();
  tenantA = await createTenant(pool, 'Salon A');
  tenantB = await createTenant(pool, 'Clinic B');
  userA = await withTenant(pool, tenantA, (tx) =>
    tx.oneFirst(sql.type(idRow)`
      INSERT INTO users (tenant_id, email, password_hash, role)
      VALUES (${tenantA}, ${`owner-${randomUUID()}@a.example`}, 'x', 'owner') RETURNING id`),
  );
  await withTenant(pool, tenantA, (tx) =>
    tx.query(
      sql.unsafe`INSERT INTO audit_log (tenant_id, actor_id, action, target) VALUES (${tenantA}, ${userA}, 'test.created', ${userA})`,
    ),
  );
});

afterAll(() => pool.end());

describe('row-level security as the app role', () => {
  it('connects as a role that owns no table and cannot bypass RLS', async () => {
    await expect(assertConnectedAsAppRole(pool)).resolves.toBeUndefined();
  });

  it('shows tenant A its own rows', async () => {
    const users = await withTenant(pool, tenantA, (tx) => tx.any(sql.type(idRow)`SELECT id FROM users`));
    expect(users.map((u) => u.id)).toEqual([userA]);
  });

  it("hides tenant A's rows from tenant B's transaction", async () => {
    await withTenant(pool, tenantB, async (tx) => {
      expect(await tx.any(sql.type(idRow)`SELECT id FROM users WHERE id = ${userA}`)).toEqual([]);
      expect(await tx.any(sql.type(idRow)`SELECT id FROM tenants WHERE id = ${tenantA}`)).toEqual([]);
      expect(await tx.any(sql.type(idRow)`SELECT id FROM audit_log WHERE tenant_id = ${tenantA}`)).toEqual([]);
    });
  });

  it("does not let tenant B update or delete tenant A's rows", async () => {
    const updated = await withTenant(pool, tenantB, (tx) =>
      tx.query(sql.unsafe`UPDATE users SET role = 'staff' WHERE id = ${userA}`),
    );
    expect(updated.rowCount).toBe(0);
    const deleted = await withTenant(pool, tenantB, (tx) =>
      tx.query(sql.unsafe`DELETE FROM users WHERE id = ${userA}`),
    );
    expect(deleted.rowCount).toBe(0);
    const role = await withTenant(pool, tenantA, (tx) =>
      tx.oneFirst(sql.type(z.object({ role: z.string() }))`SELECT role FROM users WHERE id = ${userA}`),
    );
    expect(role).toBe('owner');
  });

  it('does not let tenant B insert rows into tenant A', async () => {
    await expect(
      withTenant(pool, tenantB, (tx) =>
        tx.query(
          sql.unsafe`INSERT INTO users (tenant_id, email, password_hash, role) VALUES (${tenantA}, ${`intruder-${randomUUID()}@b.example`}, 'x', 'owner')`,
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('shows nothing and accepts no write on a connection with no tenant set', async () => {
    expect(await pool.any(sql.type(idRow)`SELECT id FROM users`)).toEqual([]);
    expect(await pool.any(sql.type(idRow)`SELECT id FROM tenants`)).toEqual([]);
    await expect(
      pool.query(sql.unsafe`INSERT INTO audit_log (tenant_id, action) VALUES (${tenantA}, 'sneaky')`),
    ).rejects.toThrow(/row-level security/);
  });

  it('does not carry a tenant from one transaction into the next on the same connection', async () => {
    await pool.connect(async (connection) => {
      await connection.transaction(async (tx) => {
        await tx.query(sql.unsafe`SELECT set_config('app.tenant_id', ${tenantA}, true)`);
        expect(await tx.any(sql.type(idRow)`SELECT id FROM users`)).toHaveLength(1);
      });
      expect(await connection.any(sql.type(idRow)`SELECT id FROM users`)).toEqual([]);
    });
  });

  it('keeps the audit log append-only for the app', async () => {
    await expect(
      withTenant(pool, tenantA, (tx) => tx.query(sql.unsafe`DELETE FROM audit_log WHERE tenant_id = ${tenantA}`)),
    ).rejects.toThrow(/permission denied/);
  });
});
