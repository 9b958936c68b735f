// Connecting Gmail and receiving mail, end to end: the API on a real port, the real worker, and
// the sandbox standing in for Google's consent, token endpoint, Gmail API and Pub/Sub pushes.
import { findMailbox } from '../../src/db/mailboxes';
import { withTenant } from '../../src/db/tenant-transaction';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import { allThreads, connectGmail, dropMail, type ConnectedMailbox } from '../helpers/mailbox';
import { eventually } from '../helpers/sandbox';

let e2e: E2E;
let owner: SignedInUser;
let mailbox: ConnectedMailbox;

beforeAll(async () => {
  // No fallback pass during these tests: every pass here is caused by a push or a connect.
  e2e = await startE2E({ GMAIL_SYNC_FALLBACK_SECONDS: '3600' });
  owner = await registerTenant(e2e.server, { businessName: 'Inbox Salon' });
  mailbox = await connectGmail(e2e.call, owner);
});

afterAll(() => e2e?.close());

it('connects through Google consent and shows mail that arrives, once, within seconds', async () => {
  expect(mailbox).toEqual({
    status: 'connected',
    email: owner.email,
    mailboxId: expect.any(String),
    syncWorkflowId: `mailbox:${owner.tenantId}:${mailbox.mailboxId}`,
    watchWorkflowId: `mailbox-watch:${owner.tenantId}:${mailbox.mailboxId}`,
  });
  const dropped = await dropMail(e2e.sandbox, { to: owner.email, from: 'Ada Client <ada@client.example>', subject: 'Booking next week?', text: 'Hi, can I book Tuesday?' });
  expect(dropped.push.status).toBe(204);
  const threads = await eventually(async () => {
    const items = await allThreads(e2e.call, owner);
    return items.length > 0 ? items : undefined;
  }, 15_000);
  expect(threads).toEqual([expect.objectContaining({ gmailThreadId: dropped.threadId, subject: 'Booking next week?', messageCount: 1 })]);
  const thread = await e2e.call('GET', `/api/threads/${threads[0].id}`, { token: owner.accessToken });
  expect(thread.status).toBe(200);
  expect(thread.body.messages).toEqual([
    expect.objectContaining({ gmailMessageId: dropped.id, messageId: dropped.messageId, fromEmail: 'ada@client.example', fromName: 'Ada Client', text: 'Hi, can I book Tuesday?' }),
  ]);
  const stored = await withTenant(e2e.pool, owner.tenantId, (db) => findMailbox(db, owner.tenantId));
  expect(stored?.watchExpiresAt).toBeInstanceOf(Date);
});
