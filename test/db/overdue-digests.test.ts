// The overdue digest's selection over real Postgres, as the app role (row-level security): which
// businesses are looked at, which invoices a day's digest takes, and that each overdue invoice is
// in exactly one digest, whatever retries, a second pass at the same time or the old one-email-per-invoice path do.
// The invoices are flagged overdue at instants in 2030: a pass of another test file, whose cutoff
// is today's 08:00 at the latest, never takes them from under these tests.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { createOverdueDigestActivities, overdueDigestEmailId } from '../../src/activities/overdue-digests';
import { createPaymentReminderActivities } from '../../src/activities/payment-reminders';
import { insertClient } from '../../src/db/clients';
import { findEmail, listEmails } from '../../src/db/emails';
import { insertInvoice, markInvoiceOverdue, markInvoicePaid } from '../../src/db/invoices';
import { listOverdueDigestCandidates } from '../../src/db/overdue-digests';
import { sql } from '../../src/db/sql';
import { tenantTransactions, withTenant } from '../../src/db/tenant-transaction';
import { insertTenant } from '../../src/db/tenants';
import { insertUser } from '../../src/db/users';
import { createLogger } from '../../src/observability/logger';
import { createAppPool } from '../helpers/db';

const logger = createLogger({ name: 'test', level: 'silent', pretty: false });

let pool: DatabasePool;
let digests: ReturnType<typeof createOverdueDigestActivities>;
let owner: pg.Client; // the migration role

beforeAll(async () => {
  pool = await createAppPool();
  digests = createOverdueDigestActivities({ pool, tx: tenantTransactions(pool), logger });
  owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await owner.connect();
});

afterAll(async () => {
  await pool?.end();
  await owner?.end();
});

async function business(options: { timeZone?: string; ownerEmail?: string | null } = {}) {
  const tenantId: string = randomUUID();
  const ownerEmail = options.ownerEmail === undefined ? `owner-${tenantId}@salon.example` : options.ownerEmail;
  await withTenant(pool, tenantId, async (db) => {
    await insertTenant(db, { id: tenantId, name: 'Studio Nine', timezone: options.timeZone ?? 'Europe/Paris' });
    if (ownerEmail) await insertUser(db, { tenantId, email: ownerEmail, passwordHash: null, role: 'owner' });
  });
  return { tenantId, ownerEmail };
}

/** An open invoice; `overdueAt` flags it overdue as of that instant, as the reminder workflow does. */
async function invoice(tenantId: string, options: { client?: string; amountCents?: number; overdueAt?: string } = {}) {
  const id = randomUUID();
  await withTenant(pool, tenantId, async (db) => {
    const client = await insertClient(db, tenantId, {
      name: options.client ?? 'Ada Client',
      email: null,
      phone: null,
      timezone: null,
      notes: null,
      smsConsent: null,
    });
    await insertInvoice(db, {
      id,
      tenantId,
      clientId: client.id,
      amountCents: options.amountCents ?? 12_500,
      currency: 'usd',
      dueDate: '2030-01-10',
      description: 'Colour and cut',
      channels: ['email'],
      scheduleDays: [0],
      workflowId: `invoice:${tenantId}:${id}`,
    });
    if (options.overdueAt) await markInvoiceOverdue(db, id, new Date(options.overdueAt));
  });
  return id;
}

const digestDate = (tenantId: string, invoiceId: string) =>
  withTenant(pool, tenantId, (db) =>
    db.oneFirst(
      sql.type(
        z.object({ d: z.string().nullable() }),
      )`SELECT overdue_digest_date::text AS d FROM invoices WHERE id = ${invoiceId}`,
    ),
  );
const ownerAlerts = async (tenantId: string) =>
  (await withTenant(pool, tenantId, (db) => listEmails(db, { limit: 100 }))).filter((e) => e.purpose === 'owner_alert');
const candidates = async () => listOverdueDigestCandidates(pool, { after: null, limit: 100_000 });

it("takes a business's open overdue invoices not yet told into one digest email, once, and nothing of another business", async () => {
  const a = await business();
  const b = await business();
  const taken = [
    await invoice(a.tenantId, { client: 'Ada', overdueAt: '2030-01-14T23:10:00Z' }),
    await invoice(a.tenantId, { client: 'Bo', amountCents: 4_000, overdueAt: '2030-01-15T05:00:00Z' }),
  ];
  const notOverdue = await invoice(a.tenantId);
  const paidSince = await invoice(a.tenantId, { overdueAt: '2030-01-15T01:00:00Z' });
  await withTenant(pool, a.tenantId, (db) => markInvoicePaid(db, paidSince, { method: 'cash' }));
  const other = await invoice(b.tenantId, { overdueAt: '2030-01-15T01:00:00Z' });

  const listed = (await candidates()).filter((c) => [a.tenantId, b.tenantId].includes(c.tenantId));
  expect(listed).toEqual(
    expect.arrayContaining([
      { tenantId: a.tenantId, timeZone: 'Europe/Paris', lastDigestDate: null },
      expect.objectContaining({ tenantId: b.tenantId }),
    ]),
  );

  const made = await digests.prepareOverdueDigest({
    tenantId: a.tenantId,
    localDate: '2030-01-15',
    cutoff: '2030-01-15T07:00:00Z',
  });
  expect(made).toEqual({ emailId: overdueDigestEmailId(a.tenantId, '2030-01-15'), invoiceCount: 2 });
  const email = await withTenant(pool, a.tenantId, (db) => findEmail(db, made.emailId!));
  expect(email).toMatchObject({
    purpose: 'owner_alert',
    to: a.ownerEmail,
    status: 'queued',
    subject: '2 invoices overdue, $165.00',
  });
  expect(email!.text).toContain('- Ada: $125.00, due 2030-01-10 (Colour and cut)');
  expect(email!.text).toContain('- Bo: $40.00, due 2030-01-10 (Colour and cut)');
  for (const id of taken) expect(await digestDate(a.tenantId, id)).toBe('2030-01-15');
  expect(await digestDate(a.tenantId, notOverdue)).toBeNull();
  expect(await digestDate(a.tenantId, paidSince)).toBeNull();

  // A retry of the activity (its answer lost) or a second pass: the same email, no second one.
  expect(
    await digests.prepareOverdueDigest({
      tenantId: a.tenantId,
      localDate: '2030-01-15',
      cutoff: '2030-01-15T07:00:00Z',
    }),
  ).toEqual(made);
  expect(await ownerAlerts(a.tenantId)).toHaveLength(1);
  // Nothing left to tell a: no longer looked at. b is untouched.
  expect((await candidates()).map((c) => c.tenantId)).not.toContain(a.tenantId);
  expect(await digestDate(b.tenantId, other)).toBeNull();
  expect(await ownerAlerts(b.tenantId)).toEqual([]);

  // The next day's digest lists only what became overdue since.
  const later = await invoice(a.tenantId, { client: 'Cy', overdueAt: '2030-01-15T20:00:00Z' });
  expect((await candidates()).find((c) => c.tenantId === a.tenantId)).toEqual({
    tenantId: a.tenantId,
    timeZone: 'Europe/Paris',
    lastDigestDate: '2030-01-15',
  });
  const next = await digests.prepareOverdueDigest({
    tenantId: a.tenantId,
    localDate: '2030-01-16',
    cutoff: '2030-01-16T07:00:00Z',
  });
  expect(next.invoiceCount).toBe(1);
  expect((await withTenant(pool, a.tenantId, (db) => findEmail(db, next.emailId!)))!.text).toMatch(
    /^1 invoice of Studio Nine became overdue[^]*- Cy: \$125\.00/,
  );
  expect(await digestDate(a.tenantId, later)).toBe('2030-01-16');
});

it("keeps each business's digests to itself under row-level security", async () => {
  const a = await business();
  const b = await business();
  await invoice(a.tenantId, { overdueAt: '2030-02-01T05:00:00Z' });
  await digests.prepareOverdueDigest({ tenantId: a.tenantId, localDate: '2030-02-01', cutoff: '2030-02-01T07:00:00Z' });
  const count = (tenantId: string) =>
    withTenant(pool, tenantId, (db) =>
      db.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM overdue_digests`),
    );
  expect(await count(a.tenantId)).toBe(1);
  expect(await count(b.tenantId)).toBe(0);
  await expect(
    withTenant(pool, b.tenantId, (db) =>
      db.query(
        sql.typeAlias('void')`INSERT INTO overdue_digests (tenant_id, local_date) VALUES (${a.tenantId}, '2030-02-02')`,
      ),
    ),
  ).rejects.toThrow(/row-level security/);
  // b's pass over a's invoices takes none of them (RLS hides them), and sends b nothing.
  expect(
    await digests.prepareOverdueDigest({
      tenantId: b.tenantId,
      localDate: '2030-02-03',
      cutoff: '2030-02-03T07:00:00Z',
    }),
  ).toEqual({ emailId: null, invoiceCount: 0 });
  // Outside any tenant the app role sees no digest at all.
  expect(await pool.any(sql.type(z.object({ tenant_id: z.string() }))`SELECT tenant_id FROM overdue_digests`)).toEqual(
    [],
  );
});

it('two passes making the same digest at once make one email listing each invoice once', async () => {
  const a = await business();
  const ids = await Promise.all(
    [1, 2, 3, 4].map((n) => invoice(a.tenantId, { client: `Client ${n}`, overdueAt: '2030-03-01T05:00:00Z' })),
  );
  const both = await Promise.all(
    [1, 2].map(() =>
      digests.prepareOverdueDigest({ tenantId: a.tenantId, localDate: '2030-03-01', cutoff: '2030-03-01T07:00:00Z' }),
    ),
  );
  expect(both[0]).toEqual(both[1]);
  expect(both[0]!.invoiceCount).toBe(4);
  expect(await ownerAlerts(a.tenantId)).toHaveLength(1);
  for (const id of ids) expect(await digestDate(a.tenantId, id)).toBe('2030-03-01');
});

it("leaves an invoice flagged after the day's 08:00 for the next day's digest", async () => {
  const a = await business();
  // 08:00 in Paris on 2030-04-01 (summer time) is 06:00Z.
  const early = await invoice(a.tenantId, { overdueAt: '2030-03-31T22:00:00Z' });
  const late = await invoice(a.tenantId, { overdueAt: '2030-04-01T09:00:00Z' });
  expect(
    (
      await digests.prepareOverdueDigest({
        tenantId: a.tenantId,
        localDate: '2030-04-01',
        cutoff: '2030-04-01T06:00:00Z',
      })
    ).invoiceCount,
  ).toBe(1);
  expect(await digestDate(a.tenantId, early)).toBe('2030-04-01');
  expect(await digestDate(a.tenantId, late)).toBeNull();
  // The same day again, later: the day's digest is made, the late one waits.
  expect(
    await digests.prepareOverdueDigest({
      tenantId: a.tenantId,
      localDate: '2030-04-01',
      cutoff: '2030-04-01T06:00:00Z',
    }),
  ).toMatchObject({ invoiceCount: 1 });
  expect(await digestDate(a.tenantId, late)).toBeNull();
  expect(
    (
      await digests.prepareOverdueDigest({
        tenantId: a.tenantId,
        localDate: '2030-04-02',
        cutoff: '2030-04-02T06:00:00Z',
      })
    ).invoiceCount,
  ).toBe(1);
  expect(await digestDate(a.tenantId, late)).toBe('2030-04-02');
});

it('sends nothing to a business without an owner address, and keeps its invoices for a later day', async () => {
  const a = await business({ ownerEmail: null });
  const id = await invoice(a.tenantId, { overdueAt: '2030-05-01T05:00:00Z' });
  expect(
    await digests.prepareOverdueDigest({
      tenantId: a.tenantId,
      localDate: '2030-05-01',
      cutoff: '2030-05-01T06:00:00Z',
    }),
  ).toEqual({ emailId: null, invoiceCount: 0 });
  expect(await digestDate(a.tenantId, id)).toBeNull();
  expect((await candidates()).find((c) => c.tenantId === a.tenantId)?.lastDigestDate).toBe('2030-05-01');
});

it('lists a digest as due only once 08:00 has come in the business zone', async () => {
  const paris = await business({ timeZone: 'Europe/Paris' });
  const tokyo = await business({ timeZone: 'Asia/Tokyo' });
  await invoice(paris.tenantId, { overdueAt: '2030-01-14T05:00:00Z' });
  await invoice(tokyo.tenantId, { overdueAt: '2030-01-14T05:00:00Z' });
  const dueAt = async (at: string) => {
    const ours = [paris.tenantId, tokyo.tenantId];
    const due = [];
    let after: string | null = null;
    // Page by page, as the pass does (small pages, so the paging itself is exercised).
    do {
      const page: Awaited<ReturnType<typeof digests.listDueOverdueDigests>> = await digests.listDueOverdueDigests({
        at,
        after,
        limit: 2,
      });
      due.push(...page.due.filter((d) => ours.includes(d.tenantId)));
      after = page.next;
    } while (after !== null);
    return due.map((d) => [d.tenantId === paris.tenantId ? 'paris' : 'tokyo', d.localDate, d.cutoff]);
  };
  // 06:00Z on 2030-01-15 is 07:00 in Paris and 15:00 in Tokyo.
  expect(await dueAt('2030-01-15T06:00:00.000Z')).toEqual([['tokyo', '2030-01-15', '2030-01-14T23:00:00.000Z']]);
  expect((await dueAt('2030-01-15T07:00:00.000Z')).sort()).toEqual([
    ['paris', '2030-01-15', '2030-01-15T07:00:00.000Z'],
    ['tokyo', '2030-01-15', '2030-01-14T23:00:00.000Z'],
  ]);
});

it('gives a business whose zone the runtime does not know its digest at 08:00 UTC, without holding up the others', async () => {
  const odd = await business({ timeZone: 'Mars/Olympus' });
  await invoice(odd.tenantId, { overdueAt: '2030-01-14T05:00:00Z' });
  const dueAt = async (at: string) => {
    const due = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof digests.listDueOverdueDigests>> = await digests.listDueOverdueDigests({
        at,
        after,
        limit: 500,
      });
      due.push(...page.due.filter((d) => d.tenantId === odd.tenantId));
      after = page.next;
    } while (after !== null);
    return due;
  };
  expect(await dueAt('2030-01-15T07:59:00.000Z')).toEqual([]);
  expect(await dueAt('2030-01-15T08:00:00.000Z')).toEqual([
    { tenantId: odd.tenantId, localDate: '2030-01-15', cutoff: '2030-01-15T08:00:00.000Z' },
  ]);
});

it('does not list an invoice the old one-email-per-invoice path told the owner about', async () => {
  const a = await business();
  const id = await invoice(a.tenantId);
  const reminders = createPaymentReminderActivities({
    tx: tenantTransactions(pool),
    logger,
    publicBaseUrl: 'http://localhost:3000',
    payments: () => {
      throw new Error('not used');
    },
    sms: () => {
      throw new Error('not used');
    },
  });
  const alerted = await reminders.flagInvoiceOverdue({
    tenantId: a.tenantId,
    invoiceId: id,
    ownerEmailId: randomUUID(),
  });
  expect(alerted.ownerEmailId).toEqual(expect.any(String));
  expect((await candidates()).map((c) => c.tenantId)).not.toContain(a.tenantId);
  expect(
    await digests.prepareOverdueDigest({
      tenantId: a.tenantId,
      localDate: '2030-06-01',
      cutoff: '2030-06-01T06:00:00Z',
    }),
  ).toEqual({ emailId: null, invoiceCount: 0 });
  expect(await ownerAlerts(a.tenantId)).toHaveLength(1);
});

it('looks across businesses only through a SECURITY DEFINER function of the migration role, with a fixed search_path, callable by the app role only', async () => {
  const { rows } = await owner.query(`
    SELECT p.prosecdef, pg_get_userbyid(p.proowner) AS owner, p.proconfig,
           has_function_privilege('frontdesk_app', p.oid, 'EXECUTE') AS app_may,
           has_function_privilege('public', p.oid, 'EXECUTE') AS public_may
      FROM pg_proc p WHERE p.proname = 'overdue_digest_candidates'`);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ prosecdef: true, app_may: true, public_may: false });
  expect(rows[0].owner).not.toBe('frontdesk_app');
  expect(rows[0].proconfig).toEqual(['search_path=pg_catalog, public']);
});
