// The housekeeping contract (one platform-wide workflow): its cadence in, what a pass purged, the
// runNow signal and the status query.
import { defineQuery, defineSignal } from '@temporalio/workflow';

export interface HousekeepingInput {
  intervalMs: number;
  /** Continue-as-new after this many passes, so the history stays small. */
  passesPerRun: number;
  /** Carried over continue-as-new, so the status query still shows it. */
  lastPass?: HousekeepingPass | null;
}

export interface HousekeepingPass {
  at: string;
  purged: { rateLimits: number; refreshTokens: number; oauthStates: number; idempotencyKeys: number };
}

export interface HousekeepingStatus {
  passes: number;
  lastPass: HousekeepingPass | null;
  nextPassAt: string | null;
}

export const housekeepingStatusQuery = defineQuery<HousekeepingStatus>('status');
export const housekeepingRunNowSignal = defineSignal('runNow');
