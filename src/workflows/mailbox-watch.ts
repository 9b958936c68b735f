// Keeps Gmail pushing for one mailbox (workflowId mailbox-watch:<tenant>:<mailbox>): users.watch
// at once, then again every renewal period (daily; a watch lasts 7 days), or at once on the
// renewWatch signal (a reconnect). It ends when the mailbox is gone or needs the owner to connect
// again. The renewal itself is the renewMailboxWatch activity, so the guardian can take the job
// over by calling that activity on its own schedule and no longer starting this workflow.
import {
  ActivityFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createMailboxWatchActivities } from '../activities/mailbox-watch';
import {
  mailboxWatchStatusQuery,
  renewWatchSignal,
  type MailboxWatchInput,
  type MailboxWatchRenewal,
  type MailboxWatchStatus,
} from './mailbox-watch.contract';

type WatchActivities = ReturnType<typeof createMailboxWatchActivities>;

/** Renewals per run before continue-as-new (a month of daily renewals). */
export const RENEWALS_PER_RUN = 30;
/** After a renewal failed past its retries: try again this soon (the watch still has days left). */
const RETRY_FAILED_RENEWAL_MS = 60 * 60 * 1000;

const { renewMailboxWatch } = proxyActivities<WatchActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 10 },
});

export async function mailboxWatch(input: MailboxWatchInput): Promise<MailboxWatchRenewal['outcome']> {
  let renewals = input.renewals ?? 0;
  // A fresh start (a connect) renews at once; a continued run waits out the period first.
  let renewRequested = input.renewals === undefined;
  let lastRenewal: MailboxWatchStatus['lastRenewal'] = null;
  let lastError: string | null = null;
  let nextRenewalAt: string | null = null;
  setHandler(renewWatchSignal, () => {
    renewRequested = true;
  });
  setHandler(mailboxWatchStatusQuery, () => ({ renewals, lastRenewal, lastError, nextRenewalAt }));

  let waitMs = input.renewEveryMs;
  for (let run = 0; run < RENEWALS_PER_RUN; run += 1) {
    if (!renewRequested) {
      nextRenewalAt = new Date(Date.now() + waitMs).toISOString();
      await condition(() => renewRequested, waitMs);
    }
    renewRequested = false;
    nextRenewalAt = null;
    try {
      const renewal = await renewMailboxWatch({ tenantId: input.tenantId, mailboxId: input.mailboxId });
      lastRenewal = { ...renewal, at: new Date().toISOString() };
      lastError = null;
      if (renewal.outcome !== 'watching') return renewal.outcome;
      renewals += 1;
      waitMs = input.renewEveryMs;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      lastError = err.cause?.message ?? err.message;
      waitMs = Math.min(RETRY_FAILED_RENEWAL_MS, input.renewEveryMs);
    }
    if (workflowInfo().continueAsNewSuggested) break;
  }
  // The renewal just made (or failed) is not owed again at once: the next run waits first.
  return continueAsNew<typeof mailboxWatch>({ ...input, renewals });
}
