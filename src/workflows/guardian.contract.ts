// The guardian contract (one per tenant: checks and content safety): its settings in, what a run
// carries over continue-as-new, the pause / resume / runNow signals and the `report` query.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EmailRetryPolicy } from '../domain/email';
import type { GuardianReport, MessageCheckpoint } from '../domain/guardian';

/** What a run hands to the next one at continue-as-new: nothing a pass learned is lost. */
export interface GuardianCarry {
  paused: boolean;
  /** A runNow that arrived while the last run was finishing. */
  runNowPending: boolean;
  passes: number;
  /** When the next scheduled pass is due (ISO). */
  nextDueAt: string;
  checkpoint: MessageCheckpoint | null;
  /** findingKey() of every open finding the owner was alerted about: never alerted twice. */
  alerted: string[];
  lastReport: GuardianReport | null;
}

export interface GuardianInput {
  tenantId: string;
  /** From config (GUARDIAN_INTERVAL_MINUTES): the time between scheduled passes. */
  intervalMs: number;
  /** From config (GUARDIAN_PASSES_PER_RUN): continue-as-new after at most this many passes. */
  passesPerRun: number;
  /** For the owner alerts' emailDelivery children (EMAIL_RETRY_*). */
  emailRetry: EmailRetryPolicy;
  /**
   * The task queue of its emailDelivery children (the delivery queue: temporal/task-queues.ts),
   * from config at start. Absent in runs started before the queues were split: their children run
   * on the parent's queue, as they always did.
   */
  deliveryTaskQueue?: string;
  carried?: GuardianCarry;
}

export interface GuardianStatus {
  state: 'running' | 'paused';
  /** `checking` while a pass runs. */
  phase: 'waiting' | 'checking';
  /** Passes completed, across continue-as-new. */
  passes: number;
  lastRunAt: string | null;
  /** The next scheduled pass; null while paused. */
  nextRunAt: string | null;
  checkpoint: MessageCheckpoint | null;
  lastReport: GuardianReport | null;
}

/** Stops the scheduled passes (an explicit runNow still runs). */
export const pauseSignal = defineSignal('pause');
/** Starts the schedule again; a pass that fell due while paused runs at once. */
export const resumeSignal = defineSignal('resume');
/** Runs one pass at once (also while paused: pausing stops the schedule, not an explicit ask). */
export const guardianRunNowSignal = defineSignal('runNow');
/** runNow as a Workflow Update, for operators: answers once the pass is asked for. */
export const guardianRunNowUpdate = defineUpdate<{ requested: true }>('runNow');
export const guardianReportQuery = defineQuery<GuardianStatus>('report');
