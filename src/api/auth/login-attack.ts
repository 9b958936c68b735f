// An account reached its ceiling of failed sign-ins from every address together: a distributed
// guess at its password. Sign-in for it is throttled for the window (for the owner too), so the
// business is told at once, through the same outbox as every owner alert, and it is audited.
import type { Client } from '@temporalio/client';
import type { Config } from '../../config';
import { insertAuditEntry } from '../../db/audit';
import type { TenantTx } from '../../db/sql';
import { alertOwner } from '../owner-alert';

export async function reportLoginAttack(
  tx: TenantTx,
  deps: { config: Config; temporal: Client },
  user: { id: string; tenantId: string; email: string },
  requestId: string,
): Promise<void> {
  const { maxFailuresPerAccount, windowSeconds } = deps.config.rateLimit.login;
  const minutes = Math.round(windowSeconds / 60);
  const emailId = await alertOwner(tx, deps, user.tenantId, {
    subject: `Sign-in to ${user.email} throttled after ${maxFailuresPerAccount} failed attempts`,
    text:
      `There were ${maxFailuresPerAccount} failed attempts to sign in as ${user.email} within ${minutes} minutes, ` +
      `from several addresses. Sign-in for this account is paused until the window ends. ` +
      `If this was not your team, make sure its password is long and unique.`,
  });
  await insertAuditEntry(tx, {
    tenantId: user.tenantId,
    actorId: null,
    action: 'auth.login_ceiling_reached',
    target: `user:${user.id}`,
    requestId,
    detail: { failures: maxFailuresPerAccount, windowSeconds, alertEmailId: emailId },
  });
}
