// Activities of the overdueDigestPass workflow: which businesses' digests are due (across
// tenants, a page at a time), and making one business's digest (as the tenant, in one transaction:
// the day's digest claimed, its invoices marked told, the owner email queued).
import { createHash } from 'node:crypto';
import type { DatabasePool } from 'slonik';
import { insertAuditEntry } from '../db/audit';
import { queueOwnerAlert } from '../db/emails';
import {
  claimOverdueDigest,
  findOverdueDigest,
  listOverdueDigestCandidates,
  recordOverdueDigestEmail,
  takeUntoldOverdueInvoices,
} from '../db/overdue-digests';
import { findTenant } from '../db/tenants';
import type { RunAsTenant } from '../db/tenant-transaction';
import { listOwnerEmails } from '../db/users';
import { overdueDigestDue, overdueDigestMessage } from '../domain/overdue-digest';
import { isIanaTimeZone } from '../domain/time-zone';
import type { Logger } from '../observability/logger';

export interface OverdueDigestDeps {
  /** Across tenants, for the candidates' function only. */
  pool: DatabasePool;
  tx: RunAsTenant;
  logger: Logger;
}

export interface DueOverdueDigest {
  tenantId: string;
  localDate: string;
  cutoff: string;
}

/**
 * The digest's email id follows from the business and the day, so a second try, a second pass or
 * a second worker can only ever queue (and the emailDelivery child can only ever send) that one email.
 */
export function overdueDigestEmailId(tenantId: string, localDate: string): string {
  const hex = createHash('sha256').update(`overdue-digest:${tenantId}:${localDate}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function createOverdueDigestActivities(deps: OverdueDigestDeps) {
  return {
    /**
     * One page of businesses with overdue invoices not yet told, and of those the ones whose
     * digest is due at `at` (the pass's own clock, so a time-skipped test and a replay agree).
     */
    async listDueOverdueDigests(input: {
      at: string;
      after: string | null;
      limit: number;
    }): Promise<{ due: DueOverdueDigest[]; next: string | null }> {
      const page = await listOverdueDigestCandidates(deps.pool, { after: input.after, limit: input.limit });
      const now = new Date(input.at);
      const due: DueOverdueDigest[] = [];
      for (const candidate of page) {
        // The API accepts only IANA zones; a zone this runtime does not know (older tz data)
        // must not hold up every other business's digest: that business gets it at 08:00 UTC.
        const timeZone = isIanaTimeZone(candidate.timeZone) ? candidate.timeZone : 'UTC';
        if (timeZone !== candidate.timeZone)
          deps.logger.warn(
            { tenantId: candidate.tenantId, timeZone: candidate.timeZone },
            'overdue digest: unknown time zone, using UTC',
          );
        const decision = overdueDigestDue({ timeZone, now, lastDigestDate: candidate.lastDigestDate });
        if (decision) due.push({ tenantId: candidate.tenantId, ...decision });
      }
      return { due, next: page.length === input.limit ? (page.at(-1)?.tenantId ?? null) : null };
    },

    /**
     * Makes the business's digest for the day: null email when that day's digest was already made
     * and sent nothing, or there is nothing to tell, or no owner has an address (the invoices then
     * wait for the next day's). A digest already made answers its email again, so a pass that
     * stopped before delivering it delivers it now; the outbox row makes that a no-op once sent.
     */
    async prepareOverdueDigest(input: DueOverdueDigest): Promise<{ emailId: string | null; invoiceCount: number }> {
      const { tenantId, localDate, cutoff } = input;
      return deps.tx(tenantId, async (db) => {
        if (!(await claimOverdueDigest(db, { tenantId, localDate }))) {
          const made = await findOverdueDigest(db, localDate);
          return { emailId: made?.emailId ?? null, invoiceCount: made?.invoiceCount ?? 0 };
        }
        if ((await listOwnerEmails(db)).length === 0) {
          deps.logger.warn(
            { tenantId, localDate },
            'overdue digest not sent: the business has no owner with an email address',
          );
          return { emailId: null, invoiceCount: 0 };
        }
        const invoices = await takeUntoldOverdueInvoices(db, { localDate, cutoff });
        if (invoices.length === 0) return { emailId: null, invoiceCount: 0 };
        const tenant = await findTenant(db, tenantId);
        const message = overdueDigestMessage({ businessName: tenant?.name ?? 'your business', localDate, invoices });
        const emailId = overdueDigestEmailId(tenantId, localDate);
        await queueOwnerAlert(db, { id: emailId, tenantId, subject: message.subject, text: message.text });
        await recordOverdueDigestEmail(db, { localDate, emailId, invoiceCount: invoices.length });
        await insertAuditEntry(db, {
          tenantId,
          actorId: null,
          action: 'invoice.overdue_digest_queued',
          target: `overdue-digest:${localDate}`,
          requestId: null,
          detail: { emailId, invoiceCount: invoices.length },
        });
        return { emailId, invoiceCount: invoices.length };
      });
    },
  };
}
