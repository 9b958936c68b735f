import { randomUUID } from 'node:crypto';
import type { DatabasePool } from 'slonik';
import { insertEmail, type Email } from '../../src/db/emails';
import { withTenant } from '../../src/db/tenant-transaction';
import { rfcMessageId, type EmailGuard } from '../../src/domain/email';

export async function createQueuedEmail(
  pool: DatabasePool,
  tenantId: string,
  overrides: { to?: string; subject?: string; guard?: EmailGuard } = {},
): Promise<Email> {
  const id = randomUUID();
  return withTenant(pool, tenantId, (db) =>
    insertEmail(db, {
      id,
      tenantId,
      purpose: 'api',
      to: overrides.to ?? 'client@example.com',
      subject: overrides.subject ?? 'Your appointment',
      text: 'See you on Tuesday at 10:00.',
      messageId: rfcMessageId(id),
      guard: overrides.guard ?? null,
      workflowId: `email:${tenantId}:${id}`,
    }),
  );
}
