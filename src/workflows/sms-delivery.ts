// One durable workflow per outbound text (workflowId sms:<tenant>:<sms>), the twin of
// emailDelivery: Temporal owns the retries, with backoff inside a total budget; the activity
// makes each try safe to repeat (consent re-read, a lost answer looked for before a resend).
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { createSmsDeliveryActivities } from '../activities/sms-delivery';
import { smsDeliveryStatusQuery, type SmsDeliveryInput, type SmsDeliveryResult } from './sms-delivery.contract';
import { RECORD_ACTIVITY_OPTIONS, sendActivityOptions } from './delivery-retry';

type SmsActivities = ReturnType<typeof createSmsDeliveryActivities>;

export async function smsDelivery(input: SmsDeliveryInput): Promise<SmsDeliveryResult> {
  let phase: 'sending' | 'done' = 'sending';
  let result: SmsDeliveryResult | null = null;
  setHandler(smsDeliveryStatusQuery, () => ({ phase, result }));

  const { sendSms } = proxyActivities<SmsActivities>(sendActivityOptions(input.retry, '1 minute'));
  const { recordSmsGaveUp, recordSmsCancelled } = proxyActivities<SmsActivities>(RECORD_ACTIVITY_OPTIONS);

  const { tenantId, smsId } = input;
  try {
    const sent = await sendSms({ tenantId, smsId, retry: input.retry });
    result = { smsId, ...sent };
  } catch (err) {
    if (isCancellation(err)) {
      // Cancelled by ops: the row must not stay "sending" forever.
      await CancellationScope.nonCancellable(() => recordSmsCancelled({ tenantId, smsId }));
      throw err;
    }
    if (!(err instanceof ActivityFailure)) throw err;
    const permanent = err.cause instanceof ApplicationFailure && err.cause.nonRetryable;
    const error = permanent ? (err.cause?.message ?? 'failed') : 'gave up: the retry budget ran out';
    // A permanent failure was already recorded by the activity; a spent budget is recorded here.
    if (!permanent) await recordSmsGaveUp({ tenantId, smsId, reason: error });
    result = { smsId, status: 'failed', error };
  }
  phase = 'done';
  return result;
}
