// One overdue digest pass. The Temporal Schedule `overdue-digest` starts one every hour (skipping a
// start while one still runs): each business whose 08:00 has come in its own time zone, with
// overdue invoices its owner has not been told about and no digest yet that day, gets one owner
// email listing them, delivered by an emailDelivery child. The digest's row (per business and
// day) and its email id (derived from both) make a retried activity, a re-run or an overlapping
// pass a no-op; the workflow's own clock says what time it is, so replays agree.
import {
  ActivityFailure,
  continueAsNew,
  log,
  ParentClosePolicy,
  proxyActivities,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createOverdueDigestActivities, DueOverdueDigest } from '../activities/overdue-digests';
import { emailDelivery } from './email-delivery';
import { emailDeliveryChild } from './email-delivery-child';
import type { OverdueDigestPassInput, OverdueDigestPassResult } from './overdue-digest-pass.contract';

const acts = proxyActivities<ReturnType<typeof createOverdueDigestActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 5 },
});

/** Businesses looked at per activity call. */
const PAGE = 200;
/** Digests made at once: each is one tenant transaction and one send. */
const AT_ONCE = 10;
/** How long the pass waits for one digest's send before leaving it to its child. */
const SEND_WAIT = '2 minutes';

export async function overdueDigestPass(input: OverdueDigestPassInput): Promise<OverdueDigestPassResult> {
  const at = new Date(Date.now()).toISOString();
  const result: OverdueDigestPassResult = { at, digests: 0, invoices: 0, failed: 0 };
  let after = input.after ?? null;
  do {
    const page = await acts.listDueOverdueDigests({ at, after, limit: PAGE });
    for (let i = 0; i < page.due.length; i += AT_ONCE) {
      await Promise.all(page.due.slice(i, i + AT_ONCE).map((digest) => sendDigest(digest)));
    }
    after = page.next;
    // Thousands of businesses make a long history: the rest in a fresh run.
    if (after !== null && workflowInfo().continueAsNewSuggested)
      await continueAsNew<typeof overdueDigestPass>({ ...input, after });
  } while (after !== null);
  return result;

  async function sendDigest(digest: DueOverdueDigest): Promise<void> {
    let made: { emailId: string | null; invoiceCount: number };
    try {
      made = await acts.prepareOverdueDigest(digest);
    } catch (err) {
      // One business's digest failing through every try (its transaction rolled back, nothing
      // claimed) does not stop the others'; the next pass tries it again.
      if (!(err instanceof ActivityFailure)) throw err;
      log.warn('overdue digest not made', {
        tenantId: digest.tenantId,
        localDate: digest.localDate,
        error: err.cause?.message ?? err.message,
      });
      result.failed += 1;
      return;
    }
    if (!made.emailId) return;
    try {
      const child = await startChild(emailDelivery, {
        ...emailDeliveryChild(
          { tenantId: digest.tenantId, emailId: made.emailId, retry: input.emailRetry },
          [],
          input.deliveryTaskQueue,
        ),
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      // A send takes seconds: the pass waits for it, so it ends after its emails went out. One
      // that retries longer (Gmail down, the owner's grant revoked) carries on alone, and the next
      // businesses' digests and the next pass are not held up behind it.
      await Promise.race([child.result().catch(() => undefined), sleep(SEND_WAIT)]);
    } catch (err) {
      // An earlier pass's child for the same digest still runs: it sends it.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    result.digests += 1;
    result.invoices += made.invoiceCount;
  }
}
