// Inbound mail stays exactly once whatever Pub/Sub and the machines do: repeated pushes, Gmail's
// history running out, a burst of mail, a worker killed in the middle of a pass. End to end: the
// API, the real worker (also as its own process), Temporal and the sandbox's Gmail.
import pg from 'pg';
import { z } from 'zod';
import { findMailbox } from '../../src/db/google-accounts';
import { sql } from '../../src/db/sql';
import { withTenant } from '../../src/db/tenant-transaction';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, startWorkerProcess, type E2E } from '../helpers/e2e';
import { allThreads, connectGmail, dropMail, mailboxIdle, syncStatus, type ConnectedMailbox } from '../helpers/mailbox';
import { eventually } from '../helpers/sandbox';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E({ GMAIL_SYNC_FALLBACK_SECONDS: '3600' });
});

afterAll(() => e2e?.close());

/** A business with its Gmail connected and first synced. */
async function connectedBusiness(name: string): Promise<{ owner: SignedInUser; mailbox: ConnectedMailbox }> {
  const owner = await registerTenant(e2e.server, { businessName: name });
  const mailbox = await connectGmail(e2e.call, owner);
  await mailboxIdle(e2e.temporal, owner.tenantId, mailbox);
  return { owner, mailbox };
}

/** How many times each Gmail message is stored for the business (read as the app role, under RLS). */
async function storedCounts(tenantId: string): Promise<Map<string, number>> {
  const rows = await withTenant(e2e.pool, tenantId, (db) =>
    db.any(
      sql.type(
        z.object({ id: z.string(), n: z.number() }),
      )`SELECT gmail_message_id AS id, count(*)::int AS n FROM messages GROUP BY 1`,
    ),
  );
  return new Map(rows.map((r) => [r.id, r.n]));
}

async function allStoredOnce(tenantId: string, ids: string[], timeoutMs = 30_000): Promise<Map<string, number>> {
  return eventually(async () => {
    const counts = await storedCounts(tenantId);
    return ids.every((id) => counts.has(id)) ? counts : undefined;
  }, timeoutMs);
}

const historyCalls = async () => (await e2e.sandbox.requests('gmail')).filter((r) => r.path.endsWith('/history'));
const letter = (owner: SignedInUser, i: number) => ({
  to: owner.email,
  from: `client${i}@client.example`,
  subject: `Question ${i}`,
  text: `Body ${i}`,
});

it('syncs once when the same push is delivered five times, and stores the message once', async () => {
  const { owner, mailbox } = await connectedBusiness('Repeat Salon');
  const before = await syncStatus(e2e.temporal, mailbox, owner.tenantId);
  const callsBefore = (await historyCalls()).length;

  const dropped = await dropMail(e2e.sandbox, letter(owner, 1)); // the first delivery
  const repeats = await Promise.all(
    [1, 2, 3, 4].map(() =>
      e2e.sandbox.control('POST', '/_sandbox/gmail/push', {
        emailAddress: owner.email,
        historyId: dropped.historyId,
        token: 'valid',
      }),
    ),
  );
  expect([dropped.push.status, ...repeats.map((r) => r.body.status)]).toEqual([204, 204, 204, 204, 204]);

  const after = await eventually(async () => {
    const s = await syncStatus(e2e.temporal, mailbox, owner.tenantId);
    return s.notifications === before.notifications + 5 && s.state === 'waiting' && !s.owed ? s : undefined;
  }, 15_000);
  expect(after.passes).toBe(before.passes + 1);
  expect((await historyCalls()).length).toBe(callsBefore + 1);
  expect((await allStoredOnce(owner.tenantId, [dropped.id])).get(dropped.id)).toBe(1);
});

it('recovers every message through a full sync when Gmail no longer has the history since the cursor', async () => {
  const { owner, mailbox } = await connectedBusiness('Expired History Clinic');
  const earlier = await dropMail(e2e.sandbox, letter(owner, 0));
  await allStoredOnce(owner.tenantId, [earlier.id]);

  // The worker is away while mail arrives and Gmail forgets the history (as after a long outage).
  await e2e.stopWorker();
  const dropped: Awaited<ReturnType<typeof dropMail>>[] = [];
  for (let i = 1; i <= 5; i += 1) dropped.push(await dropMail(e2e.sandbox, letter(owner, i)));
  expect(
    (await e2e.sandbox.control('POST', '/_sandbox/gmail/expire-history', { emailAddress: owner.email })).status,
  ).toBe(200);
  await e2e.startWorker();

  const counts = await allStoredOnce(
    owner.tenantId,
    dropped.map((d) => d.id),
  );
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  expect(counts.size).toBe(6);
  const status = await eventually(async () => {
    const s = await syncStatus(e2e.temporal, mailbox, owner.tenantId);
    return s.lastPass?.mode === 'full' && !s.owed && s.state === 'waiting' ? s : undefined;
  });
  expect(status.lastPass).toMatchObject({ outcome: 'synced', stored: 5 });
  const gmailCalls = await e2e.sandbox.requests('gmail');
  expect(gmailCalls.some((c) => c.path.endsWith('/history') && c.status === 404)).toBe(true);

  // And the sync goes on from history afterwards.
  const next = await dropMail(e2e.sandbox, letter(owner, 6));
  await allStoredOnce(owner.tenantId, [next.id]);
  const later = await eventually(async () => {
    const s = await syncStatus(e2e.temporal, mailbox, owner.tenantId);
    return s.lastPass?.stored === 1 ? s : undefined;
  });
  expect(later.lastPass?.mode).toBe('history');
});

it('stores a burst of 50 messages with their 50 pushes exactly once each', async () => {
  const { owner } = await connectedBusiness('Busy Studio');
  const dropped = await Promise.all(Array.from({ length: 50 }, (_, i) => dropMail(e2e.sandbox, letter(owner, i))));
  expect(dropped.every((d) => d.push.status === 204)).toBe(true);
  const counts = await allStoredOnce(
    owner.tenantId,
    dropped.map((d) => d.id),
    60_000,
  );
  expect(counts.size).toBe(50);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  const threads = await allThreads(e2e.call, owner);
  expect(threads).toHaveLength(50);
  expect(new Set(threads.map((t) => t.gmailThreadId))).toEqual(new Set(dropped.map((d) => d.threadId)));
}, 120_000);

it('loses and duplicates nothing when the worker is killed in the middle of a pass', async () => {
  const { owner, mailbox } = await connectedBusiness('Crash Bakery');
  const cursorBefore = (await withTenant(e2e.pool, owner.tenantId, (db) => findMailbox(db, owner.tenantId)))!
    .syncHistoryId;
  await e2e.stopWorker();
  const dropped: Awaited<ReturnType<typeof dropMail>>[] = [];
  for (let i = 1; i <= 12; i += 1) dropped.push(await dropMail(e2e.sandbox, letter(owner, i)));

  // Another session holds message 7's thread uncommitted, so the pass stalls right there: the
  // messages before it (and beside it) are stored, the cursor has not moved. Then the worker dies.
  const blocker = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await blocker.connect();
  const stalled = dropped[6]!;
  await blocker.query('BEGIN');
  await blocker.query(
    'INSERT INTO threads (tenant_id, mailbox_id, gmail_thread_id, last_message_at) VALUES ($1, $2, $3, now())',
    [owner.tenantId, mailbox.mailboxId, stalled.threadId],
  );

  const worker = startWorkerProcess(e2e);
  try {
    await eventually(async () => {
      const counts = await storedCounts(owner.tenantId);
      const waiting = await blocker.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted');
      return counts.size === 11 && waiting.rows[0]!.n > 0 ? true : undefined;
    }, 90_000).catch((err: unknown) => {
      throw new Error(`the pass did not stall as planned: ${String(err)}\n${worker.output().slice(-2000)}`);
    });
  } finally {
    await worker.kill();
    await blocker.query('ROLLBACK');
    await blocker.end();
  }
  const mid = (await withTenant(e2e.pool, owner.tenantId, (db) => findMailbox(db, owner.tenantId)))!;
  expect(mid.syncHistoryId).toBe(cursorBefore);
  expect((await storedCounts(owner.tenantId)).has(stalled.id)).toBe(false);

  // A new worker takes the pass over once the dead one's heartbeat times out.
  await e2e.startWorker();
  const counts = await allStoredOnce(
    owner.tenantId,
    dropped.map((d) => d.id),
    150_000,
  );
  expect(counts.size).toBe(12);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  const after = await eventually(async () => {
    const row = await withTenant(e2e.pool, owner.tenantId, (db) => findMailbox(db, owner.tenantId));
    return row?.syncHistoryId && BigInt(row.syncHistoryId) >= BigInt(dropped[11]!.historyId) ? row : undefined;
  });
  expect(after.lastSyncError).toBeNull();
  const threads = await allThreads(e2e.call, owner);
  expect(threads.map((t) => t.messageCount)).toEqual(Array(12).fill(1));
}, 300_000);
