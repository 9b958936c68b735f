// The former long-running housekeeping (workflowId `housekeeping`), which purged expired records
// on a fixed cadence. Housekeeping is now the Temporal Schedule `housekeeping` starting one
// housekeepingPass per interval; this stays registered, unchanged, so a run started before that
// change keeps working until the worker's boot cancels it (workflow-starters/housekeeping.ts),
// and its saved histories keep replaying. Nothing starts it any more.
import { condition, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createHousekeepingActivities } from '../activities/housekeeping';
import {
  housekeepingRunNowSignal,
  housekeepingStatusQuery,
  type HousekeepingInput,
  type HousekeepingPass,
} from './housekeeping.contract';

const { purgeExpired } = proxyActivities<ReturnType<typeof createHousekeepingActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes', maximumAttempts: 5 },
});

export async function housekeeping(input: HousekeepingInput): Promise<void> {
  let passes = 0;
  let lastPass: HousekeepingPass | null = input.lastPass ?? null;
  let nextPassAt: number | null = null;
  let runNow = false;
  setHandler(housekeepingRunNowSignal, () => {
    runNow = true;
  });
  setHandler(housekeepingStatusQuery, () => ({
    passes,
    lastPass,
    nextPassAt: nextPassAt === null ? null : new Date(nextPassAt).toISOString(),
  }));

  while (passes < input.passesPerRun) {
    runNow = false;
    try {
      lastPass = { at: new Date().toISOString(), purged: await purgeExpired() };
    } catch {
      // The database stayed down through every try: the next pass tries again.
    }
    passes += 1;
    nextPassAt = Date.now() + input.intervalMs;
    await condition(() => runNow, input.intervalMs);
  }
  await continueAsNew<typeof housekeeping>({ ...input, lastPass });
}
