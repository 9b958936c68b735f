// One long-lived workflow per connected mailbox (workflowId mailbox:<tenant>:<mailbox>), the only
// place that syncs it, so at most one pass runs per mailbox. Gmail pushes arrive as signals
// (signal-with-start from the webhook); pushes that arrive during a pass coalesce into one more
// pass, and a repeat of a push the last pass already covered causes none. A timer runs a pass
// anyway every fallback interval, because Gmail may drop notifications. The run continues as new
// after a bounded number of passes, carrying its counters, so its history stays small.
import {
  ActivityFailure,
  continueAsNew,
  condition,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createMailboxSyncActivities } from '../activities/mailbox-sync';
import {
  mailboxChangedSignal,
  mailboxSyncStatusQuery,
  type MailboxPassSummary,
  type MailboxSyncCarry,
  type MailboxSyncInput,
  type MailboxSyncStatus,
} from './mailbox-sync.contract';

type SyncActivities = ReturnType<typeof createMailboxSyncActivities>;

/** Passes per run before continue-as-new (each adds about ten events to the history). */
export const PASSES_PER_RUN = 200;

const { syncMailbox } = proxyActivities<SyncActivities>({
  // A full sync reads up to GMAIL_FULL_SYNC_MAX_MESSAGES messages; it heartbeats after each one,
  // so a worker that dies mid-pass is noticed within the heartbeat timeout and the pass retried
  // from the stored cursor.
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '45 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});

/** Gmail history ids are decimal uint64: compared as BigInt, never as text or float. */
function isNewer(historyId: string, than: string): boolean {
  return BigInt(historyId) > BigInt(than);
}

export async function mailboxSync(input: MailboxSyncInput): Promise<'disconnected' | 'reauth_required'> {
  const carried: MailboxSyncCarry = input.carried ?? {
    passes: 0,
    notifications: 0,
    owed: false,
    owedUpTo: null,
    syncedHistoryId: null,
    lastPass: null,
  };
  let { passes, notifications, owed, owedUpTo, syncedHistoryId, lastPass } = carried;
  /** During a pass: another was asked for without a history id (a connect), so no cursor covers it. */
  let forced: boolean;
  let state: MailboxSyncStatus['state'] = 'waiting';
  let passesThisRun = 0;

  setHandler(mailboxChangedSignal, ({ historyId }) => {
    notifications += 1;
    if (historyId === undefined || !/^\d+$/.test(historyId)) {
      owed = true;
      forced = true;
      return;
    }
    // A repeat (Pub/Sub delivers at least once) of a change the last pass already read.
    if (syncedHistoryId !== null && !isNewer(historyId, syncedHistoryId)) return;
    owed = true;
    if (owedUpTo === null || isNewer(historyId, owedUpTo)) owedUpTo = historyId;
  });
  setHandler(mailboxSyncStatusQuery, () => ({ state, passes, notifications, owed, syncedHistoryId, lastPass }));

  for (;;) {
    const notified = await condition(() => owed, input.fallbackIntervalMs);
    // This pass answers every notification received so far; those arriving during it are news
    // only if the pass's cursor does not reach them.
    owed = false;
    forced = false;
    owedUpTo = null;
    state = 'syncing';
    const at = new Date().toISOString();
    const trigger = notified ? 'notification' : 'fallback';
    let summary: MailboxPassSummary;
    try {
      const result = await syncMailbox({ tenantId: input.tenantId, mailboxId: input.mailboxId });
      summary = { at, trigger, ...result };
      if (result.historyId !== null) syncedHistoryId = result.historyId;
      if (result.outcome !== 'synced') {
        lastPass = summary;
        passes += 1;
        // Nothing to sync with until the owner connects again, which starts a new run.
        return result.outcome;
      }
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      // Retries are spent or the failure is permanent: the mailbox's row records the error, and the
      // next push or the fallback timer tries again from the same cursor.
      summary = { at, trigger, error: err.cause?.message ?? err.message };
    }
    state = 'waiting';
    lastPass = summary;
    passes += 1;
    passesThisRun += 1;
    if (owed && !forced && owedUpTo !== null && syncedHistoryId !== null && !isNewer(owedUpTo, syncedHistoryId)) {
      owed = false;
      owedUpTo = null;
    }

    if (passesThisRun >= PASSES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof mailboxSync>({
        ...input,
        carried: { passes, notifications, owed: owed || forced, owedUpTo, syncedHistoryId, lastPass },
      });
    }
  }
}
