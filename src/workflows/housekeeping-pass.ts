// One housekeeping pass: purge expired rate-limit counters, refresh tokens, redeemed Gmail connect
// links and Idempotency-Keys, and say how many went. The Temporal Schedule `housekeeping` starts
// one every HOUSEKEEPING_INTERVAL_MINUTES (skipping a start while one still runs), so the cadence,
// pausing and "run now" are the Schedule's, visible and changeable in the Temporal UI and CLI.
import { proxyActivities } from '@temporalio/workflow';
import type { createHousekeepingActivities } from '../activities/housekeeping';
import type { HousekeepingPass } from './housekeeping-pass.contract';

const { purgeExpired } = proxyActivities<ReturnType<typeof createHousekeepingActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes', maximumAttempts: 5 },
});

export async function housekeepingPass(): Promise<HousekeepingPass> {
  // A database down through every try fails the pass, visibly; the next scheduled one tries again.
  return { at: new Date().toISOString(), purged: await purgeExpired() };
}
