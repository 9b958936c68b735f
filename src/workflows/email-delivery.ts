// One durable workflow per email (workflowId email:<tenant>:<email>): Temporal owns the retries,
// with exponential backoff inside a total budget; the activity makes each try safe to repeat.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { createEmailDeliveryActivities } from '../activities/email-delivery';
import { emailDeliveryStatusQuery, type EmailDeliveryInput, type EmailDeliveryResult } from './email-delivery.contract';
import { RECORD_ACTIVITY_OPTIONS, sendActivityOptions } from './delivery-retry';

type EmailActivities = ReturnType<typeof createEmailDeliveryActivities>;

export async function emailDelivery(input: EmailDeliveryInput): Promise<EmailDeliveryResult> {
  let phase: 'sending' | 'done' = 'sending';
  let result: EmailDeliveryResult | null = null;
  setHandler(emailDeliveryStatusQuery, () => ({ phase, result }));

  const { sendEmail } = proxyActivities<EmailActivities>(sendActivityOptions(input.retry, '2 minutes'));
  const { recordEmailGaveUp, recordEmailCancelled } = proxyActivities<EmailActivities>(RECORD_ACTIVITY_OPTIONS);

  try {
    const sent = await sendEmail({ tenantId: input.tenantId, emailId: input.emailId, retry: input.retry });
    result = { emailId: input.emailId, ...sent };
  } catch (err) {
    if (isCancellation(err)) {
      // Cancelled by ops or by a cancelled parent: the row must not stay "sending" forever.
      await CancellationScope.nonCancellable(() =>
        recordEmailCancelled({ tenantId: input.tenantId, emailId: input.emailId }),
      );
      throw err;
    }
    if (!(err instanceof ActivityFailure)) throw err;
    const permanent = err.cause instanceof ApplicationFailure && err.cause.nonRetryable;
    const error = permanent ? (err.cause?.message ?? 'failed') : 'gave up: the retry budget ran out';
    // A permanent failure was already recorded by the activity; a spent budget is recorded here.
    if (!permanent) await recordEmailGaveUp({ tenantId: input.tenantId, emailId: input.emailId, reason: error });
    result = { emailId: input.emailId, status: 'failed', error };
  }
  phase = 'done';
  return result;
}
