// The activity options of a message send (emailDelivery, smsDelivery): Temporal retries the send
// with the configured exponential backoff inside a total budget, and a hung call or a dead
// worker is noticed (heartbeat) well before the next try.
import type { ActivityOptions } from '@temporalio/workflow';
import type { EmailRetryPolicy } from '../domain/email';

export function sendActivityOptions(
  retry: EmailRetryPolicy,
  startToCloseTimeout: ActivityOptions['startToCloseTimeout'],
): ActivityOptions {
  return {
    startToCloseTimeout,
    heartbeatTimeout: retry.heartbeatTimeoutMs ?? '45 seconds',
    scheduleToCloseTimeout: retry.budgetMs,
    retry: {
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: retry.maximumIntervalMs,
    },
  };
}

/** For the bookkeeping activities around a send (recording a give-up or a cancel). */
export const RECORD_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute' },
};
