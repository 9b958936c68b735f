// The mailbox, threads, messages and connect-state tables, as the app role under RLS: connecting
// and reconnecting, the cursor that only moves forward, idempotent storage, client matching.
import { randomUUID } from 'node:crypto';
import { UniqueIntegrityConstraintViolationError, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { insertClient } from '../../src/db/clients';
import { redeemOAuthState } from '../../src/db/gmail-oauth-states';
import {
  advanceSyncCursor,
  connectMailbox,
  findMailbox,
  markGoogleAccountReauthRequired,
  recordWatch,
} from '../../src/db/google-accounts';
import {
  listThreadMessages,
  storedGmailMessageIds,
  storeInboundMessage,
  type InboundMessage,
} from '../../src/db/messages';
import { sql } from '../../src/db/sql';
import { withTenant } from '../../src/db/tenant-transaction';
import { findThread, listThreads } from '../../src/db/threads';
import { createAppPool, createTenant } from '../helpers/db';

let pool: DatabasePool;
let tenantA: string;
let tenantB: string;

beforeAll(async () => {
  pool = await createAppPool();
  tenantA = await createTenant(pool, 'Salon A');
  tenantB = await createTenant(pool, 'Clinic B');
});
afterAll(() => pool.end());

const address = (label: string) => `${label}-${randomUUID().slice(0, 8)}@mail.example`;
const connect = (tenantId: string, email: string, token = 'ciphertext') =>
  withTenant(pool, tenantId, (db) =>
    connectMailbox(db, { tenantId, email, refreshTokenCiphertext: token, scopes: ['gmail.modify'] }),
  );
const mailboxOf = (tenantId: string) => withTenant(pool, tenantId, (db) => findMailbox(db, tenantId));

function inbound(mailboxId: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  const id = randomUUID().slice(0, 12);
  return {
    mailboxId,
    gmailMessageId: `m-${id}`,
    gmailThreadId: `t-${id}`,
    rfcMessageId: `<${id}@client.example>`,
    inReplyTo: null,
    references: null,
    fromHeader: 'Ada <ada@client.example>',
    fromEmail: 'ada@client.example',
    fromName: 'Ada',
    toHeader: 'front@salon.example',
    ccHeader: null,
    subject: 'Hello',
    sentAt: null,
    receivedAt: new Date('2026-11-20T10:00:00.000Z'),
    snippet: 'Hello',
    bodyText: 'Hello there',
    labelIds: ['INBOX'],
    historyId: '100',
    ...overrides,
  };
}

describe('the connected mailbox', () => {
  it('keeps its id and cursor on a reconnect of the same address, and replaces the grant', async () => {
    const tenant = await createTenant(pool);
    const email = address('owner');
    const first = await connect(tenant, email, 'token-1');
    await withTenant(pool, tenant, async (db) => {
      await advanceSyncCursor(db, first.id, '500');
      await recordWatch(db, first.id, { historyId: '490', expiresAt: new Date('2026-12-01T00:00:00Z') });
      await markGoogleAccountReauthRequired(db, tenant, 'revoked');
    });
    const again = await connect(tenant, email.toUpperCase(), 'token-2');
    expect(again).toMatchObject({
      id: first.id,
      syncHistoryId: '500',
      watchHistoryId: '490',
      status: 'connected',
      statusDetail: null,
      refreshTokenCiphertext: 'token-2',
    });
  });

  it('is a new mailbox, with no cursor and no watch, when another address is connected', async () => {
    const tenant = await createTenant(pool);
    const first = await connect(tenant, address('old'));
    await withTenant(pool, tenant, (db) => advanceSyncCursor(db, first.id, '500'));
    const second = await connect(tenant, address('new'));
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ syncHistoryId: null, watchHistoryId: null, watchExpiresAt: null });
  });

  it('refuses an address another business has connected', async () => {
    const email = address('shared');
    await connect(tenantA, email);
    await expect(connect(tenantB, email.toUpperCase())).rejects.toMatchObject({
      constructor: UniqueIntegrityConstraintViolationError,
      constraint: 'google_accounts_email_key',
    });
    expect(await mailboxOf(tenantB)).toBeNull();
  });

  it('moves the cursor only forward, comparing history ids as numbers', async () => {
    const tenant = await createTenant(pool);
    const mailbox = await connect(tenant, address('cursor'));
    await withTenant(pool, tenant, (db) => advanceSyncCursor(db, mailbox.id, '99'));
    await withTenant(pool, tenant, (db) => advanceSyncCursor(db, mailbox.id, '100'));
    expect((await mailboxOf(tenant))?.syncHistoryId).toBe('100');
    await withTenant(pool, tenant, (db) => advanceSyncCursor(db, mailbox.id, '99'));
    expect((await mailboxOf(tenant))?.syncHistoryId).toBe('100');
    await withTenant(pool, tenant, (db) => advanceSyncCursor(db, randomUUID(), '900'));
    expect((await mailboxOf(tenant))?.syncHistoryId).toBe('100');
  });
});

describe('threads and messages', () => {
  it('stores a message once, however often it is stored, and sums up its thread', async () => {
    const mailboxId = randomUUID();
    const first = inbound(mailboxId, {
      receivedAt: new Date('2026-11-20T10:00:00Z'),
      snippet: 'first',
      subject: 'Question',
    });
    const later = inbound(mailboxId, {
      gmailThreadId: first.gmailThreadId,
      receivedAt: new Date('2026-11-20T12:00:00Z'),
      snippet: 'later',
      subject: 'Re: Question',
      fromHeader: 'Bo <bo@x.example>',
      fromEmail: 'bo@x.example',
    });
    // Stored out of order, the later one twice.
    const results = await withTenant(pool, tenantA, async (db) => [
      await storeInboundMessage(db, tenantA, later),
      await storeInboundMessage(db, tenantA, later),
      await storeInboundMessage(db, tenantA, first),
    ]);
    expect(results.map((r) => r.stored)).toEqual([true, false, true]);
    const thread = await withTenant(pool, tenantA, (db) => findThread(db, results[0]!.threadId));
    expect(thread).toMatchObject({
      messageCount: 2,
      lastSnippet: 'later',
      lastFrom: 'Bo <bo@x.example>',
      lastMessageAt: new Date('2026-11-20T12:00:00Z'),
    });
    const messages = await withTenant(pool, tenantA, (db) => listThreadMessages(db, thread!.id));
    expect(messages.map((m) => m.snippet)).toEqual(['first', 'later']);
    const known = await withTenant(pool, tenantA, (db) =>
      storedGmailMessageIds(db, mailboxId, [first.gmailMessageId, 'm-unknown']),
    );
    expect([...known]).toEqual([first.gmailMessageId]);
  });

  it('matches the sender to a client by address, and forgets the match when the client is deleted', async () => {
    const client = await withTenant(pool, tenantA, (db) =>
      insertClient(db, tenantA, {
        name: 'Cy',
        email: 'Cy@Client.Example',
        phone: null,
        timezone: null,
        notes: null,
        smsConsent: null,
      }),
    );
    const { threadId, clientId } = await withTenant(pool, tenantA, (db) =>
      storeInboundMessage(
        db,
        tenantA,
        inbound(randomUUID(), { fromEmail: 'cy@client.example', fromHeader: 'cy@client.example' }),
      ),
    );
    expect(clientId).toBe(client.id);
    expect((await withTenant(pool, tenantA, (db) => findThread(db, threadId)))?.clientId).toBe(client.id);
    await withTenant(pool, tenantA, (db) => db.query(sql.unsafe`DELETE FROM clients WHERE id = ${client.id}`));
    expect((await withTenant(pool, tenantA, (db) => findThread(db, threadId)))?.clientId).toBeNull();
    const [message] = await withTenant(pool, tenantA, (db) => listThreadMessages(db, threadId));
    expect(message?.clientId).toBeNull();
  });

  it("keeps each business's mail to itself", async () => {
    const { threadId } = await withTenant(pool, tenantA, (db) =>
      storeInboundMessage(db, tenantA, inbound(randomUUID())),
    );
    await withTenant(pool, tenantB, async (db) => {
      expect(await findThread(db, threadId)).toBeNull();
      expect(await listThreadMessages(db, threadId)).toEqual([]);
      expect(await listThreads(db, { limit: 100 })).toEqual([]);
      const count = z.object({ n: z.number() });
      expect(await db.oneFirst(sql.type(count)`SELECT count(*)::int AS n FROM messages`)).toBe(0);
    });
    // Writing into another business's rows is refused outright.
    await expect(
      withTenant(pool, tenantB, (db) => storeInboundMessage(db, tenantA, inbound(randomUUID()))),
    ).rejects.toThrow(/row-level security/);
  });
});

describe('connect states', () => {
  it('can be redeemed once, and only within their own business', async () => {
    const nonce = randomUUID();
    const state = { nonce, tenantId: tenantA, userId: randomUUID(), expiresAt: new Date(Date.now() + 600_000) };
    expect(await withTenant(pool, tenantA, (db) => redeemOAuthState(db, state))).toBe(true);
    expect(await withTenant(pool, tenantA, (db) => redeemOAuthState(db, state))).toBe(false);
    await expect(
      withTenant(pool, tenantB, (db) => redeemOAuthState(db, { ...state, nonce: randomUUID() })),
    ).rejects.toThrow(/row-level security/);
    const seen = await withTenant(pool, tenantB, (db) =>
      db.anyFirst(sql.type(z.object({ nonce: z.string() }))`SELECT nonce FROM gmail_oauth_states`),
    );
    expect(seen).toEqual([]);
  });
});
