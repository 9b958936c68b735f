// Refuses to queue mail that cannot go out: 503 naming what is missing, before anything is stored.
import type { Config } from '../../../config';
import { findMailbox } from '../../../db/google-accounts';
import type { Db } from '../../../db/sql';
import { ServiceUnavailableError } from '../../../errors';
import { requireIntegration } from '../../../providers/integration';

export async function assertMailboxReady(config: Config, db: Db, tenantId: string): Promise<void> {
  // In sandbox mode the sandbox mailbox serves a tenant that has not connected Gmail.
  if (requireIntegration(config, 'gmail') === 'sandbox') return;
  const account = await findMailbox(db, tenantId);
  if (!account) {
    throw new ServiceUnavailableError(
      'Gmail is not connected for this business: connect it through GET /api/gmail/connect',
    );
  }
  if (account.status === 'reauth_required') {
    throw new ServiceUnavailableError(
      'Gmail needs to be connected again (Google revoked access): use GET /api/gmail/connect',
    );
  }
}
