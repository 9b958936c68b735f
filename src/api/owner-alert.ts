// Tells the business owner something from the API side (a Stripe dispute, say): an email in the
// outbox, sent by its own emailDelivery workflow like every other email.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { insertEmail } from '../db/emails';
import type { Db } from '../db/sql';
import { listOwnerEmails } from '../db/users';
import { rfcMessageId } from '../domain/email';
import { emailWorkflowId } from '../domain/workflow-ids';
import { startEmailDelivery } from '../workflow-starters/email-delivery';

export async function alertOwner(
  db: Db,
  deps: { config: Config; temporal: Client },
  tenantId: string,
  message: { subject: string; text: string },
): Promise<string | null> {
  const [owner] = await listOwnerEmails(db);
  if (!owner) return null;
  const id = randomUUID();
  await insertEmail(db, {
    id,
    tenantId,
    purpose: 'owner_alert',
    to: owner,
    subject: message.subject,
    text: message.text,
    messageId: rfcMessageId(id),
    workflowId: emailWorkflowId(tenantId, id),
  });
  await startEmailDelivery(deps.temporal, deps.config, { tenantId, emailId: id });
  return id;
}
