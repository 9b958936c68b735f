// GET /api/threads and /api/threads/:id over mail that really arrived through the sandbox's Gmail:
// threading, client matching, our own sent mail left out, paging, the unsafe filter, tenancy.
import { z } from 'zod';
import { sql } from '../../src/db/sql';
import { withTenant } from '../../src/db/tenant-transaction';
import { createUser, registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import { allThreads, connectGmail, dropMail, mailboxIdle } from '../helpers/mailbox';
import { eventually } from '../helpers/sandbox';

let e2e: E2E;
let owner: SignedInUser;
let stranger: SignedInUser;

beforeAll(async () => {
  e2e = await startE2E({ GMAIL_SYNC_FALLBACK_SECONDS: '3600' });
  owner = await registerTenant(e2e.server, { businessName: 'Thread Salon' });
  const mailbox = await connectGmail(e2e.call, owner);
  await mailboxIdle(e2e.temporal, owner.tenantId, mailbox);
  stranger = await registerTenant(e2e.server, { businessName: 'Someone Else' });
});

afterAll(() => e2e?.close());

const get = (path: string, user = owner) => e2e.call('GET', path, { token: user.accessToken });

async function threadOf(gmailThreadId: string, messageCount = 1) {
  const summary = await eventually(async () => {
    const found = (await allThreads(e2e.call, owner)).find((t) => t.gmailThreadId === gmailThreadId);
    return found && found.messageCount >= messageCount ? found : undefined;
  }, 15_000);
  return (await get(`/api/threads/${summary.id}`)).body;
}

it('groups a reply into its thread, most recent activity first, with the sender matched to a client', async () => {
  const client = await e2e.call('POST', '/api/clients', {
    token: owner.accessToken,
    json: { name: 'Ada Lovelace', email: 'Ada@Client.example' },
  });
  expect(client.status).toBe(201);
  const first = await dropMail(e2e.sandbox, {
    to: owner.email,
    from: 'Ada <ada@client.example>',
    subject: 'Colour appointment',
    text: 'Is Monday free?',
  });
  await threadOf(first.threadId);
  const other = await dropMail(e2e.sandbox, {
    to: owner.email,
    from: 'Bo <bo@elsewhere.example>',
    subject: 'Gift card',
    text: 'Do you sell them?',
  });
  await threadOf(other.threadId);
  const reply = await dropMail(e2e.sandbox, {
    to: owner.email,
    from: 'Ada <ada@client.example>',
    subject: 'Re: Colour appointment',
    text: 'Or Tuesday?',
    threadId: first.threadId,
  });
  expect(reply.threadId).toBe(first.threadId);

  const thread = await threadOf(first.threadId, 2);
  expect(thread).toMatchObject({
    subject: 'Colour appointment',
    clientId: client.body.id,
    messageCount: 2,
    lastFrom: 'Ada <ada@client.example>',
    snippet: 'Or Tuesday?',
  });
  expect(thread.messages.map((m: any) => [m.gmailMessageId, m.text, m.clientId])).toEqual([
    [first.id, 'Is Monday free?', client.body.id],
    [reply.id, 'Or Tuesday?', client.body.id],
  ]);
  expect(thread.messages[1].inReplyTo).toBe(first.messageId);

  const listed = await allThreads(e2e.call, owner);
  expect(listed.map((t) => t.gmailThreadId).slice(0, 2)).toEqual([first.threadId, other.threadId]);
  expect(listed.find((t) => t.gmailThreadId === other.threadId).clientId).toBeNull();
  const ofClient = await get(`/api/threads?clientId=${client.body.id}`);
  expect(ofClient.body.items.map((t: any) => t.id)).toEqual([thread.id]);
});

it("leaves out our own sent mail and stores the client's answer to it", async () => {
  const sent = await e2e.call('POST', '/api/emails', {
    token: owner.accessToken,
    json: { to: 'cy@client.example', subject: 'Your quote', text: 'It is 80.' },
  });
  expect(sent.status).toBe(202);
  const email = await eventually(async () => {
    const res = await get(`/api/emails/${sent.body.id}`);
    return res.body.status === 'sent' ? res.body : undefined;
  }, 30_000);
  const answer = await dropMail(e2e.sandbox, {
    to: owner.email,
    from: 'cy@client.example',
    subject: 'Re: Your quote',
    text: 'Deal.',
    threadId: email.gmailThreadId,
  });
  expect(answer.threadId).toBe(email.gmailThreadId);

  const thread = await threadOf(email.gmailThreadId);
  expect(thread.messages).toHaveLength(1);
  expect(thread.messages[0]).toMatchObject({ gmailMessageId: answer.id, inReplyTo: email.messageId, text: 'Deal.' });
  const stored = await withTenant(e2e.pool, owner.tenantId, (db) =>
    db.anyFirst(sql.type(z.object({ id: z.string() }))`SELECT gmail_message_id AS id FROM messages`),
  );
  expect(stored).not.toContain(email.gmailMessageId);
});

it('pages through threads with a cursor, and filters the ones flagged unsafe', async () => {
  const all = await allThreads(e2e.call, owner);
  expect(all.length).toBeGreaterThanOrEqual(3);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: any } = await get(`/api/threads?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(2);
    seen.push(...res.body.items.map((t: any) => t.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  expect(seen).toEqual(all.map((t) => t.id));

  // The guardian flags a thread; the list can show just those, or just the others.
  const flagged = all[1];
  await withTenant(e2e.pool, owner.tenantId, (db) =>
    db.query(sql.unsafe`UPDATE threads SET unsafe = true WHERE id = ${flagged.id}`),
  );
  expect((await get('/api/threads?unsafe=true')).body.items.map((t: any) => [t.id, t.unsafe])).toEqual([
    [flagged.id, true],
  ]);
  const safe = (await get('/api/threads?unsafe=false')).body.items.map((t: any) => t.id);
  expect(safe).toHaveLength(all.length - 1);
  expect(safe).not.toContain(flagged.id);

  const bad = await get('/api/threads?unsafe=maybe&cursor=nonsense');
  expect(bad.status).toBe(422);
  expect(bad.body.errors.map((e: any) => e.path)).toEqual(['unsafe']);
  const badCursor = await get('/api/threads?cursor=nonsense');
  expect(badCursor.status).toBe(422);
  expect(badCursor.body.errors.map((e: any) => e.path)).toEqual(['cursor']);
});

it('lets staff read threads, and shows another business none of them (404 by id)', async () => {
  const [thread] = await allThreads(e2e.call, owner);
  const staff = await createUser(e2e.server, owner, 'staff');
  expect((await get(`/api/threads/${thread.id}`, staff)).status).toBe(200);

  const foreign = await get(`/api/threads/${thread.id}`, stranger);
  expect(foreign.status).toBe(404);
  expect(foreign.headers['content-type']).toMatch(/application\/problem\+json/);
  expect((await get('/api/threads', stranger)).body).toEqual({ items: [], nextCursor: null });
  expect((await get('/api/gmail', stranger)).body).toMatchObject({
    status: 'not_connected',
    email: null,
    mailboxId: null,
  });
});
