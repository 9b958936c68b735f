// One record of every kind a tenant can own, created through the API as that tenant's owner.
// The tenant-isolation matrix (test/api/tenant-isolation.test.ts) walks every route that takes
// an id and needs, for each, at least one id of this tenant that the route really reaches: when
// you add a resource, add one of it here (or the matrix fails, naming the route).
import { randomUUID } from 'node:crypto';
import { insertDraft } from '../../src/db/agent-drafts';
import { listThreadMessages, storeInboundMessage } from '../../src/db/messages';
import { flagUnsafeThread } from '../../src/db/unsafe-threads';
import { withTenant } from '../../src/db/tenant-transaction';
import { request, type TestServer } from './http';
import { createUser, type SignedInUser } from './auth';
import { createAppPool } from './db';
import { connectGmail } from './mailbox';

export async function seedTenantRecords(server: TestServer, owner: SignedInUser): Promise<void> {
  const must = async (what: string, res: Promise<{ status: number; text: string }>) => {
    const r = await res;
    if (r.status >= 300) throw new Error(`seeding ${what} answered ${r.status}: ${r.text}`);
  };
  await createUser(server, owner, 'staff');
  const client = await request(server, 'POST', '/api/clients', {
    token: owner.accessToken,
    json: {
      name: 'Grace Hopper',
      email: 'grace@example.com',
      phone: '+1 202 555 0143',
      timezone: 'America/New_York',
      smsConsent: true,
    },
  });
  await must('a client', Promise.resolve(client));
  const service = await request(server, 'POST', '/api/services', {
    token: owner.accessToken,
    json: { name: 'Seeded cut', durationMinutes: 45, bufferMinutes: 15, priceCents: 5500, currency: 'usd' },
  });
  await must('a service', Promise.resolve(service));
  // A Tuesday morning, inside the default hours (weekdays 09:00-17:00 in the business's zone).
  await must(
    'a booking',
    request(server, 'POST', '/api/bookings', {
      token: owner.accessToken,
      json: { clientId: client.body.id, serviceId: service.body.id, startAt: '2030-01-15T10:00:00.000Z' },
    }),
  );
  // Its reminder workflow starts on the default task queue, which no test worker polls: nothing
  // changes behind the matrix's back.
  await must(
    'an invoice',
    request(server, 'POST', '/api/invoices', {
      token: owner.accessToken,
      json: {
        clientId: client.body.id,
        amountCents: 4200,
        currency: 'usd',
        dueDate: '2030-01-15',
        description: 'Seeded invoice',
      },
    }),
  );
  await must(
    'an email',
    request(server, 'POST', '/api/emails', {
      token: owner.accessToken,
      json: { to: 'grace@example.com', subject: 'Seeded', text: 'Seeded email' },
    }),
  );
  await must(
    'an invitation',
    request(server, 'POST', '/api/users/invite', {
      token: owner.accessToken,
      json: { email: `invitee-${owner.tenantId}@test.example`, role: 'staff' },
    }),
  );
  await must(
    'an SMS',
    request(server, 'POST', '/api/sms', {
      token: owner.accessToken,
      json: { clientId: client.body.id, body: 'Seeded text' },
    }),
  );
  // Gmail connected through the consent flow; its workflows wait on the default task queue.
  // Threads come only from a sync pass in a worker, so one inbound message is stored the way the
  // sync activity stores it.
  const mailbox = await connectGmail((method, path, options) => request(server, method, path, options), owner);
  const pool = await createAppPool();
  try {
    const stored = await withTenant(pool, owner.tenantId, (db) =>
      storeInboundMessage(db, owner.tenantId, {
        mailboxId: mailbox.mailboxId,
        gmailMessageId: `seed-${owner.tenantId}`,
        gmailThreadId: `seed-${owner.tenantId}`,
        rfcMessageId: `<seed-${owner.tenantId}@client.example>`,
        inReplyTo: null,
        references: null,
        fromHeader: 'Grace Hopper <grace@example.com>',
        fromEmail: 'grace@example.com',
        fromName: 'Grace Hopper',
        toHeader: owner.email,
        ccHeader: null,
        subject: 'Seeded thread',
        sentAt: null,
        receivedAt: new Date(),
        snippet: 'Seeded',
        bodyText: 'Seeded message',
        labelIds: ['INBOX'],
        historyId: null,
      }),
    );
    // Unsafe threads come only from a guardian pass; one is flagged the way its screening does.
    // A reply draft comes only from a thread's agent workflow; one is stored the way it stores it
    // (no agent runs for the thread, so approving it answers 409).
    await withTenant(pool, owner.tenantId, async (db) => {
      const [message] = await listThreadMessages(db, stored.threadId);
      await insertDraft(db, {
        id: randomUUID(),
        tenantId: owner.tenantId,
        threadId: stored.threadId,
        messageId: message!.id,
        clientId: client.body.id,
        text: 'Seeded draft',
        provider: 'anthropic',
        model: 'claude-seed',
        inputTokens: 1,
        outputTokens: 1,
        fallback: false,
        toolCalls: [],
        expiresAt: new Date(Date.now() + 48 * 3_600_000),
      });
      await flagUnsafeThread(db, {
        tenantId: owner.tenantId,
        threadId: stored.threadId,
        messageId: message!.id,
        category: 'harassment',
        severity: 'medium',
        reason: 'Seeded finding',
      });
    });
  } finally {
    await pool.end();
  }
}
