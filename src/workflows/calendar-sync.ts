// One long-lived workflow per calendar a business books into (calendar-sync:<tenant>:<sync id>),
// the only place that syncs it, so at most one pass runs per calendar. It keeps a Google push
// channel on the calendar (events.watch, renewed before it expires) and runs an incremental pass
// from the stored syncToken after each verified push (signals that arrive during a pass coalesce
// into one more pass), and on a fallback timer since Google may drop notifications. A pass applies
// the owner's moves and deletes of Frontdesk's events to their bookings; a 410 from Google is a
// bounded full resync inside the pass. The run continues as new after a bounded number of passes.
import {
  ActivityFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createCalendarSyncActivities } from '../activities/calendar-sync';
import {
  calendarChangedSignal,
  calendarSyncStatusQuery,
  type CalendarPassSummary,
  type CalendarSyncInput,
  type CalendarSyncStatus,
} from './calendar-sync.contract';

type SyncActivities = ReturnType<typeof createCalendarSyncActivities>;

/** Passes per run before continue-as-new (each adds about ten events to the history). */
export const CALENDAR_PASSES_PER_RUN = 200;

const { syncCalendarChanges, renewCalendarWatch } = proxyActivities<SyncActivities>({
  // A full resync lists at most a bounded number of pages; it heartbeats after each one.
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6 },
});

export async function calendarSync(input: CalendarSyncInput): Promise<never> {
  const carried = input.carried ?? { passes: 0, notifications: 0, owed: true, watchExpiresAt: null, lastPass: null };
  let { passes, notifications, owed, watchExpiresAt, lastPass } = carried;
  let state: CalendarSyncStatus['state'] = 'waiting';
  let watchError: string | null = null;
  let passesThisRun = 0;
  let trigger: CalendarPassSummary['trigger'] = input.carried ? 'fallback' : 'start';

  setHandler(calendarChangedSignal, () => {
    notifications += 1;
    owed = true;
  });
  setHandler(calendarSyncStatusQuery, () => ({ state, passes, notifications, watchExpiresAt, watchError, lastPass }));

  const renewAt = () => (watchExpiresAt === null ? Date.now() : Date.parse(watchExpiresAt) - input.renewBeforeMs);

  for (;;) {
    if (Date.now() >= renewAt()) {
      state = 'renewing';
      try {
        watchExpiresAt = (await renewCalendarWatch({ tenantId: input.tenantId, calendarSyncId: input.calendarSyncId }))
          .expiresAt;
        watchError = null;
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        // Tried again at the next turn; the fallback passes keep the calendar in step meanwhile.
        watchError = err.cause?.message ?? err.message;
        watchExpiresAt = null;
      }
    }

    if (owed) {
      owed = false;
      state = 'syncing';
      const at = new Date(Date.now()).toISOString();
      try {
        const result = await syncCalendarChanges({ tenantId: input.tenantId, calendarSyncId: input.calendarSyncId });
        lastPass = { at, trigger, ...result };
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        // The row records the error; the next push or the fallback timer tries again from the same cursor.
        lastPass = { at, trigger, error: err.cause?.message ?? err.message };
      }
      passes += 1;
      passesThisRun += 1;
    }
    state = 'waiting';

    if (passesThisRun >= CALENDAR_PASSES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof calendarSync>({
        ...input,
        carried: { passes, notifications, owed, watchExpiresAt, lastPass },
      });
    }

    // A failed renewal is retried after the fallback interval, not in a tight loop.
    const untilRenew = watchExpiresAt === null ? input.fallbackIntervalMs : Math.max(renewAt() - Date.now(), 1_000);
    const notified = await condition(() => owed, Math.min(input.fallbackIntervalMs, untilRenew));
    if (notified) trigger = 'notification';
    else if (Date.now() < renewAt() || watchExpiresAt === null) {
      trigger = 'fallback';
      owed = true;
    }
  }
}
