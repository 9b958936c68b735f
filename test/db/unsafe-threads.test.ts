// The guardian's tables, connected as the app role: unsafe threads (one per thread and category,
// reopened rather than duplicated, alerted once), screening verdicts (never twice, nothing skipped
// when a sync commits late), and the outbox figures the emails check reads.
import { randomUUID } from 'node:crypto';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { insertEmail } from '../../src/db/emails';
import { outboxHealth } from '../../src/db/guardian-outbox';
import { countUnscreenedMessages, listUnscreenedMessages, recordScreening } from '../../src/db/guardian-screenings';
import { storeInboundMessage } from '../../src/db/messages';
import { sql, type Db } from '../../src/db/sql';
import { withTenant } from '../../src/db/tenant-transaction';
import { findThread } from '../../src/db/threads';
import {
  claimAlertEmail,
  flagUnsafeThread,
  listUnalertedFindings,
  listUnsafeThreads,
  markFindingAlerted,
  resolveUnsafeThread,
  type UnsafeVerdict,
} from '../../src/db/unsafe-threads';
import { rfcMessageId } from '../../src/domain/email';
import { createAppPool, createTenant } from '../helpers/db';

let pool: DatabasePool;
let tenantId: string;
const MAILBOX = '00000000-0000-4000-8000-0000000000aa';

beforeAll(async () => {
  pool = await createAppPool();
  tenantId = await createTenant(pool, 'Tables Salon');
});

afterAll(() => pool?.end());

const tx = <T>(fn: (db: Db) => Promise<T>) => withTenant(pool, tenantId, fn);

async function message(text: string, gmailThreadId = `t-${randomUUID()}`) {
  const gmailMessageId = `m-${randomUUID()}`;
  const stored = await tx((db) =>
    storeInboundMessage(db, tenantId, {
      mailboxId: MAILBOX,
      gmailMessageId,
      gmailThreadId,
      rfcMessageId: null,
      inReplyTo: null,
      references: null,
      fromHeader: 'Rex <rex@client.example>',
      fromEmail: 'rex@client.example',
      fromName: 'Rex',
      toHeader: 'salon@example.com',
      ccHeader: null,
      subject: 'Hello',
      sentAt: null,
      receivedAt: new Date(),
      snippet: text,
      bodyText: text,
      labelIds: ['INBOX'],
      historyId: null,
    }),
  );
  const id = await tx((db) =>
    db.oneFirst(
      sql.type(z.object({ id: z.string() }))`SELECT id FROM messages WHERE gmail_message_id = ${gmailMessageId}`,
    ),
  );
  return { id, threadId: stored.threadId };
}

const verdict = (m: { id: string; threadId: string }, over: Partial<UnsafeVerdict> = {}): UnsafeVerdict => ({
  tenantId,
  threadId: m.threadId,
  messageId: m.id,
  category: 'threat',
  severity: 'medium',
  reason: 'A threat',
  ...over,
});

describe('unsafe threads', () => {
  it('opens one finding per thread and category, pausing the thread; a worse message raises it without a new alert', async () => {
    const m = await message('first');
    const first = await tx((db) => flagUnsafeThread(db, verdict(m)));
    expect(first.opened).toBe(true);
    expect(await tx((db) => findThread(db, m.threadId))).toMatchObject({ unsafe: true, autoReplyPaused: true });

    const worse = await tx((db) => flagUnsafeThread(db, verdict(m, { severity: 'high', reason: 'Worse' })));
    expect(worse).toMatchObject({
      opened: false,
      row: { id: first.row.id, severity: 'high', reason: 'Worse', flaggedAt: first.row.flaggedAt },
    });
    const milder = await tx((db) => flagUnsafeThread(db, verdict(m, { severity: 'low', reason: 'Milder' })));
    expect(milder.row).toMatchObject({ severity: 'high', reason: 'Worse' });
    const other = await tx((db) => flagUnsafeThread(db, verdict(m, { category: 'legal' })));
    expect(other.opened).toBe(true);
    expect(other.row.id).not.toBe(first.row.id);
  });

  it('claims the alert email once, whoever asks again', async () => {
    const m = await message('alert me');
    const { row } = await tx((db) => flagUnsafeThread(db, verdict(m)));
    const [a, b] = [randomUUID(), randomUUID()];
    expect(await tx((db) => claimAlertEmail(db, row.id, a))).toEqual({ emailId: a, claimed: true });
    expect(await tx((db) => claimAlertEmail(db, row.id, b))).toEqual({ emailId: a, claimed: false });
    expect((await tx((db) => listUnalertedFindings(db, 100))).map((f) => f.id)).toContain(row.id);
    await tx((db) => markFindingAlerted(db, row.id));
    expect((await tx((db) => listUnalertedFindings(db, 100))).map((f) => f.id)).not.toContain(row.id);
  });

  it('resolved as safe gives the thread its auto-replies back, unless another finding is open; handled keeps them paused', async () => {
    const m = await message('two kinds');
    const threat = await tx((db) => flagUnsafeThread(db, verdict(m)));
    const legal = await tx((db) => flagUnsafeThread(db, verdict(m, { category: 'legal' })));
    const userId = randomUUID();

    expect(
      await tx((db) => resolveUnsafeThread(db, threat.row.id, { resolution: 'safe', note: null, userId })),
    ).toMatchObject({ autoRepliesResumed: false });
    expect(await tx((db) => findThread(db, m.threadId))).toMatchObject({ autoReplyPaused: true });
    expect(
      await tx((db) => resolveUnsafeThread(db, threat.row.id, { resolution: 'handled', note: null, userId })),
    ).toBeNull();
    expect(
      await tx((db) => resolveUnsafeThread(db, legal.row.id, { resolution: 'safe', note: 'ok', userId })),
    ).toMatchObject({
      autoRepliesResumed: true,
      row: { status: 'resolved', resolution: 'safe', resolutionNote: 'ok', resolvedBy: userId },
    });
    expect(await tx((db) => findThread(db, m.threadId))).toMatchObject({ unsafe: false, autoReplyPaused: false });

    const blocked = await message('blocked sender');
    const found = await tx((db) => flagUnsafeThread(db, verdict(blocked)));
    await tx((db) => resolveUnsafeThread(db, found.row.id, { resolution: 'blocked', note: null, userId }));
    const another = await tx((db) => flagUnsafeThread(db, verdict(blocked, { category: 'abuse' })));
    expect(
      await tx((db) => resolveUnsafeThread(db, another.row.id, { resolution: 'safe', note: null, userId })),
    ).toMatchObject({ autoRepliesResumed: false });
  });

  it('reopens a resolved finding as a new opening (new flaggedAt, alert cleared) instead of a second row', async () => {
    const m = await message('again');
    const first = await tx((db) => flagUnsafeThread(db, verdict(m)));
    await tx((db) => claimAlertEmail(db, first.row.id, randomUUID()));
    await tx((db) => markFindingAlerted(db, first.row.id));
    await tx((db) => resolveUnsafeThread(db, first.row.id, { resolution: 'safe', note: null, userId: randomUUID() }));

    const again = await tx((db) => flagUnsafeThread(db, verdict(m, { reason: 'Back again' })));
    expect(again.opened).toBe(true);
    expect(again.row).toMatchObject({
      id: first.row.id,
      status: 'open',
      resolution: null,
      reason: 'Back again',
      alertEmailId: null,
      alertedAt: null,
    });
    expect(again.row.flaggedAt > first.row.flaggedAt).toBe(true);
    expect(await tx((db) => findThread(db, m.threadId))).toMatchObject({ unsafe: true, autoReplyPaused: true });
    const rows = await tx((db) => listUnsafeThreads(db, { limit: 100 }));
    expect(rows.filter((r) => r.threadId === m.threadId)).toHaveLength(1);
  });

  it('lists open or resolved ones, most recently flagged first, and hides them from other tenants', async () => {
    const open = await tx((db) => listUnsafeThreads(db, { status: 'open', limit: 100 }));
    expect(open.every((r) => r.status === 'open')).toBe(true);
    const flagged = open.map((r) => r.flaggedAt);
    expect([...flagged].sort().reverse()).toEqual(flagged);
    const other = await createTenant(pool, 'Other Salon');
    expect(await withTenant(pool, other, (db) => listUnsafeThreads(db, { limit: 100 }))).toEqual([]);
  });
});

describe('screening verdicts', () => {
  it('lists unscreened messages in storage order, records each verdict once, and re-reads a little before the checkpoint', async () => {
    const screener = await createTenant(pool, 'Screening Salon');
    const inTenant = <T>(fn: (db: Db) => Promise<T>) => withTenant(pool, screener, fn);
    const store = async (text: string) => {
      const gmailMessageId = `m-${randomUUID()}`;
      const { threadId } = await inTenant((db) =>
        storeInboundMessage(db, screener, {
          mailboxId: MAILBOX,
          gmailMessageId,
          gmailThreadId: `t-${randomUUID()}`,
          rfcMessageId: rfcMessageId(randomUUID()),
          inReplyTo: null,
          references: null,
          fromHeader: 'a@b.example',
          fromEmail: 'a@b.example',
          fromName: null,
          toHeader: 'x@y.example',
          ccHeader: null,
          subject: 's',
          sentAt: null,
          receivedAt: new Date(),
          snippet: text.slice(0, 10),
          bodyText: text,
          labelIds: ['INBOX'],
          historyId: null,
        }),
      );
      return threadId;
    };
    await store('one');
    await store('two');
    const batch = await inTenant((db) => listUnscreenedMessages(db, { checkpoint: null, limit: 10, maxTextChars: 3 }));
    expect(batch.map((m) => m.text)).toEqual(['one', 'two']);
    expect(batch[0]!.rfcMessageId).toMatch(/@frontdesk\.mail>$/);
    const [first, second] = batch as [(typeof batch)[number], (typeof batch)[number]];

    const screened = (m: typeof first) => ({
      tenantId: screener,
      messageId: m.id,
      threadId: m.threadId,
      safe: true,
      category: null,
      severity: 'none' as const,
      reason: 'fine',
    });
    expect(await inTenant((db) => recordScreening(db, screened(second)))).toBe(true);
    expect(await inTenant((db) => recordScreening(db, screened(second)))).toBe(false);

    // The checkpoint is past the second message, yet the first (as if its sync had committed late)
    // is still read: nothing before the checkpoint is skipped, and nothing screened comes back.
    const checkpoint = { storedAt: second.storedAt, messageId: second.id };
    expect(
      (await inTenant((db) => listUnscreenedMessages(db, { checkpoint, limit: 10, maxTextChars: 100 }))).map(
        (m) => m.id,
      ),
    ).toEqual([first.id]);
    expect(await inTenant((db) => countUnscreenedMessages(db, checkpoint))).toBe(1);
    await inTenant((db) => recordScreening(db, screened(first)));
    expect(await inTenant((db) => listUnscreenedMessages(db, { checkpoint, limit: 10, maxTextChars: 100 }))).toEqual(
      [],
    );
    // Long texts are cut before they reach Claude.
    await store('x'.repeat(50));
    const [long] = await inTenant((db) => listUnscreenedMessages(db, { checkpoint, limit: 10, maxTextChars: 20 }));
    expect(long!.text).toHaveLength(20);
  });
});

describe('outbox health', () => {
  it('counts emails queued or sending since before the cut-off, and failures in the window', async () => {
    const salon = await createTenant(pool, 'Outbox Salon');
    const add = (status: string, createdAgoMin: number) =>
      withTenant(pool, salon, async (db) => {
        const id = randomUUID();
        await insertEmail(db, {
          id,
          tenantId: salon,
          purpose: 'api',
          to: 'a@b.example',
          subject: 's',
          text: 't',
          messageId: rfcMessageId(id),
          workflowId: `email:${salon}:${id}`,
        });
        await db.query(sql.unsafe`
          UPDATE emails SET status = ${status}, created_at = now() - ${`${createdAgoMin} minutes`}::interval,
                            updated_at = now() - ${`${createdAgoMin} minutes`}::interval
           WHERE id = ${id}`);
      });
    await add('queued', 90);
    await add('sending', 5);
    await add('failed', 60);
    await add('failed', 3 * 24 * 60);
    await add('sent', 120);
    const now = Date.now();
    const health = await withTenant(pool, salon, (db) =>
      outboxHealth(db, { stuckBefore: new Date(now - 30 * 60_000), failedSince: new Date(now - 24 * 3_600_000) }),
    );
    expect(health).toMatchObject({ stuck: 1, failed: 1 });
    expect(Math.round((now - (health.oldestStuckAt as Date).getTime()) / 60_000)).toBe(90);
  });
});
