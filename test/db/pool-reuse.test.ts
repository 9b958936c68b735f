// The pool hands a connection to the next caller without DISCARD ALL (src/db/pool.ts), so a
// tenant's id must not outlive its transaction on that connection: the next query, and the next
// transaction that sets no tenant, see no tenant's rows.
import { randomUUID } from 'node:crypto';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { createPool } from '../../src/db/pool';
import { sql } from '../../src/db/sql';
import { withTenant } from '../../src/db/tenant-transaction';
import { createAppPool, createTenant } from '../helpers/db';

let setup: DatabasePool;
let single: DatabasePool; // one connection, so every call below reuses the same session
let tenantId: string;

beforeAll(async () => {
  setup = await createAppPool();
  single = await createPool({ url: process.env.DATABASE_URL as string, maximumPoolSize: 1 });
  tenantId = await createTenant(setup, 'Reuse salon');
  await withTenant(setup, tenantId, (tx) =>
    tx.query(
      sql.unsafe`INSERT INTO clients (tenant_id, name, timezone) VALUES (${tenantId}, ${`Client ${randomUUID()}`}, 'UTC')`,
    ),
  );
});

afterAll(async () => {
  await single?.end();
  await setup?.end();
});

const setting = z.object({ tenant: z.string().nullable() });
const count = z.object({ n: z.number() });

test('a tenant transaction leaves no tenant id on the reused connection', async () => {
  const inside = await withTenant(single, tenantId, (tx) =>
    tx.oneFirst(sql.type(count)`SELECT count(*)::int AS n FROM clients`),
  );
  expect(inside).toBe(1);

  const after = await single.oneFirst(
    sql.type(setting)`SELECT nullif(current_setting('app.tenant_id', true), '') AS tenant`,
  );
  expect(after).toBeNull();
  expect(await single.oneFirst(sql.type(count)`SELECT count(*)::int AS n FROM clients`)).toBe(0);
  expect(await single.transaction((tx) => tx.oneFirst(sql.type(count)`SELECT count(*)::int AS n FROM clients`))).toBe(
    0,
  );
});

test('a tenant transaction that fails leaves no tenant id either', async () => {
  await expect(
    withTenant(single, tenantId, async (tx) => {
      await tx.query(sql.unsafe`SELECT 1`);
      throw new Error('handler failed');
    }),
  ).rejects.toThrow('handler failed');
  const after = await single.oneFirst(
    sql.type(setting)`SELECT nullif(current_setting('app.tenant_id', true), '') AS tenant`,
  );
  expect(after).toBeNull();
  expect(await single.oneFirst(sql.type(count)`SELECT count(*)::int AS n FROM clients`)).toBe(0);
});
