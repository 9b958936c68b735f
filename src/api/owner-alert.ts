// Tells the business owner something from the API side (a Stripe dispute, say): an email in the
// outbox, sent by its own emailDelivery workflow like every other email.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { queueOwnerAlert } from '../db/emails';
import type { Db } from '../db/sql';
import { startEmailDelivery } from '../workflow-starters/email-delivery';

export async function alertOwner(
  db: Db,
  deps: { config: Config; temporal: Client },
  tenantId: string,
  message: { subject: string; text: string },
): Promise<string | null> {
  const id = randomUUID();
  if (!(await queueOwnerAlert(db, { id, tenantId, ...message }))) return null;
  await startEmailDelivery(deps.temporal, deps.config, { tenantId, emailId: id });
  return id;
}
