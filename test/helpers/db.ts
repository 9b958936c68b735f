import { randomUUID } from 'node:crypto';
import { createPool, type DatabasePool } from '../../src/db/pool';
import { storeInboundMessage } from '../../src/db/messages';
import { insertTenant } from '../../src/db/tenants';
import { withTenant } from '../../src/db/tenant-transaction';

/** A pool connected as the application role, exactly as API and worker connect. */
export function createAppPool(url = process.env.DATABASE_URL as string): Promise<DatabasePool> {
  return createPool({ url, maximumPoolSize: 5, connectionTimeout: 2_000 });
}

export async function createTenant(pool: DatabasePool, name = 'Test salon'): Promise<string> {
  const id = randomUUID();
  await withTenant(pool, id, (tx) => insertTenant(tx, { id, name, timezone: 'Europe/London' }));
  return id;
}

/** A client's mail in the tenant's mailbox, stored as the mailbox sync stores an inbound message. */
export async function storeClientMail(
  pool: DatabasePool,
  tenantId: string,
  mail: { text: string; gmailThreadId?: string },
) {
  return withTenant(pool, tenantId, (db) =>
    storeInboundMessage(db, tenantId, {
      mailboxId: '00000000-0000-4000-8000-000000000001',
      gmailMessageId: `m-${randomUUID()}`,
      gmailThreadId: mail.gmailThreadId ?? `t-${randomUUID()}`,
      rfcMessageId: `<${randomUUID()}@client.example>`,
      inReplyTo: null,
      references: null,
      fromHeader: 'Rex Client <rex@client.example>',
      fromEmail: 'rex@client.example',
      fromName: 'Rex Client',
      toHeader: 'frontdesk@salon.example',
      ccHeader: null,
      subject: 'About my appointment',
      sentAt: null,
      receivedAt: new Date(),
      snippet: mail.text.slice(0, 100),
      bodyText: mail.text,
      labelIds: ['INBOX'],
      historyId: null,
    }),
  );
}
