// The guardian's invoice check takes the open invoices it checked least recently: with more open
// invoices than a pass checks, each gets its turn, pass after pass.
import { randomUUID } from 'node:crypto';
import type { DatabasePool } from 'slonik';
import { insertClient } from '../../src/db/clients';
import { listOpenInvoices, markRemindersChecked } from '../../src/db/guardian-invoices';
import { insertInvoice } from '../../src/db/invoices';
import { withTenant } from '../../src/db/tenant-transaction';
import { createAppPool, createTenant } from '../helpers/db';

let pool: DatabasePool;

beforeAll(async () => {
  pool = await createAppPool();
});

afterAll(() => pool?.end());

it('rotates through every open invoice, least recently checked first', async () => {
  const tenantId = await createTenant(pool, 'Rotation');
  const client = await withTenant(pool, tenantId, (db) =>
    insertClient(db, tenantId, {
      name: 'Ada',
      email: null,
      phone: null,
      timezone: null,
      notes: null,
      smsConsent: null,
    }),
  );
  const ids: string[] = [];
  for (let n = 0; n < 5; n++) {
    const id = randomUUID();
    // One transaction each, so their created_at (the transaction's now()) are in this order.
    await withTenant(pool, tenantId, (db) =>
      insertInvoice(db, {
        id,
        tenantId,
        clientId: client.id,
        amountCents: 100 + n,
        currency: 'usd',
        dueDate: '2030-01-15',
        description: `Invoice ${n}`,
        channels: ['email'],
        scheduleDays: [0],
        workflowId: `invoice:${tenantId}:${id}`,
      }),
    );
    ids.push(id);
  }

  const pass = () =>
    withTenant(pool, tenantId, async (db) => {
      const batch = (await listOpenInvoices(db, 2)).map((i) => i.id);
      await markRemindersChecked(db, batch);
      return batch;
    });
  const first = await pass();
  const second = await pass();
  const third = await pass();
  // Never checked come first, oldest first; then the least recently checked.
  expect(first).toEqual(ids.slice(0, 2));
  expect(second).toEqual(ids.slice(2, 4));
  expect(third).toEqual([ids[4], ids[0]]);
  expect(new Set([...first, ...second, ...third])).toEqual(new Set(ids));
});
