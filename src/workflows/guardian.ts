// The guardian: one long-running workflow per tenant (workflowId guardian:<tenant>). Every interval
// it runs a pass: checks of Postgres, Gmail (renewing its watch before it lapses), Stripe, Twilio,
// Claude, the outbox and the invoices' reminder workflows, and content safety: Claude classifies
// the inbound mail stored since the checkpoint, and the owner is alerted once per unsafe thread.
// pause / resume stop and restart the schedule; runNow runs a pass at once; the `report` query
// says what the last pass found. It continues as new every few passes (or when Temporal suggests
// it), carrying its checkpoint and the findings already alerted, so nothing is lost or repeated.
import {
  ActivityFailure,
  condition,
  continueAsNew,
  ParentClosePolicy,
  proxyActivities,
  patched,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { GuardianActivities } from '../activities/guardian-activities';
import type { createMailboxWatchActivities } from '../activities/mailbox-watch';
import {
  findingKey,
  nextPassDue,
  type Finding,
  type GuardianCheck,
  type GuardianCheckName,
  type GuardianReport,
  type MessageCheckpoint,
} from '../domain/guardian';
import { screeningChecks, screeningFailedCheck, watchRenewalCheck } from '../domain/guardian-sentences';
import {
  guardianReportQuery,
  guardianRunNowSignal,
  guardianRunNowUpdate,
  pauseSignal,
  resumeSignal,
  type GuardianCarry,
  type GuardianInput,
  type GuardianStatus,
} from './guardian.contract';
import { emailDelivery } from './email-delivery';
import { emailDeliveryChild } from './email-delivery-child';

type WatchActivities = ReturnType<typeof createMailboxWatchActivities>;

// A check that cannot finish in a few tries is reported failed; the next pass asks again.
const checks = proxyActivities<GuardianActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumAttempts: 3 },
});
const screening = proxyActivities<GuardianActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumAttempts: 3 },
});
// Alerts must get out: retried longer than checks.
const alerts = proxyActivities<GuardianActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});
const { renewMailboxWatch } = proxyActivities<WatchActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

export async function guardian(input: GuardianInput): Promise<void> {
  const { tenantId } = input;
  const carried = input.carried;
  let paused = carried?.paused ?? false;
  let runNowRequested = carried?.runNowPending ?? false;
  let passes = carried?.passes ?? 0;
  let checkpoint: MessageCheckpoint | null = carried?.checkpoint ?? null;
  let alerted = new Set(carried?.alerted ?? []);
  let lastReport: GuardianReport | null = carried?.lastReport ?? null;
  // A new guardian waits one interval first: a tenant just registered has nothing to check yet.
  let nextDueMs = carried ? Date.parse(carried.nextDueAt) : Date.now() + input.intervalMs;
  let phase: GuardianStatus['phase'] = 'waiting';

  setHandler(pauseSignal, () => void (paused = true));
  setHandler(resumeSignal, () => void (paused = false));
  setHandler(guardianRunNowSignal, () => void (runNowRequested = true));
  setHandler(guardianRunNowUpdate, () => {
    runNowRequested = true;
    return { requested: true as const };
  });
  setHandler(guardianReportQuery, (): GuardianStatus => ({
    state: paused ? 'paused' : 'running',
    phase,
    passes,
    lastRunAt: lastReport?.finishedAt ?? null,
    nextRunAt: paused ? null : new Date(nextDueMs).toISOString(),
    checkpoint,
    lastReport,
  }));

  for (let passesThisRun = 0; ;) {
    const trigger = await nextTrigger();
    phase = 'checking';
    lastReport = await runPass(trigger);
    passes += 1;
    passesThisRun += 1;
    phase = 'waiting';
    // An explicit run does not move the schedule; a scheduled one sets the next slot.
    if (trigger === 'schedule') nextDueMs = nextPassDue(nextDueMs, input.intervalMs, Date.now());
    await recordReport(lastReport);
    if (passesThisRun >= input.passesPerRun || workflowInfo().continueAsNewSuggested) break;
  }
  const carry: GuardianCarry = {
    paused,
    runNowPending: runNowRequested,
    passes,
    nextDueAt: new Date(nextDueMs).toISOString(),
    checkpoint,
    alerted: [...alerted],
    lastReport,
  };
  return continueAsNew<typeof guardian>({ ...input, carried: carry });

  /** Waits for the next scheduled pass or an explicit ask; a pause holds the schedule only. */
  async function nextTrigger(): Promise<GuardianReport['trigger']> {
    for (;;) {
      if (runNowRequested) {
        runNowRequested = false;
        return 'runNow';
      }
      if (paused) {
        await condition(() => runNowRequested || !paused);
        continue;
      }
      const waitMs = nextDueMs - Date.now();
      // Resumed after the due time: the pass that fell due while paused runs at once.
      if (waitMs <= 0) return 'schedule';
      await condition(() => runNowRequested || paused, waitMs);
    }
  }

  async function runPass(trigger: GuardianReport['trigger']): Promise<GuardianReport> {
    const startedAt = new Date().toISOString();
    const at = startedAt;
    const [postgres, gmail, stripe, twilio, emails, invoices, screened] = await Promise.all([
      guarded('postgres', () => checks.guardianCheckPostgres()),
      checkGmail(at),
      guarded('stripe', () => checks.guardianCheckProvider({ provider: 'stripe' })),
      guarded('twilio', () => checks.guardianCheckProvider({ provider: 'twilio' })),
      guarded('emails', () => checks.guardianCheckEmails({ tenantId, at })),
      guarded('invoices', () => checks.guardianCheckInvoices({ tenantId, at })),
      screenInboundMail(),
    ]);
    // When the pass called Claude to screen mail, that is the Claude check; otherwise a probe.
    const claude =
      screened.claude ?? (await guarded('claude', () => checks.guardianCheckProvider({ provider: 'claude' })));
    // Added while guardians run: passes recorded before it replay without it.
    const workflows = patched('guardian-checks-stuck-workflows')
      ? await guarded('workflows', () => checks.guardianCheckWorkflows({ tenantId, at }))
      : null;
    for (const finding of screened.toAlert) await alertOwnerOnce(finding);
    return {
      pass: passes + 1,
      trigger,
      startedAt,
      finishedAt: new Date().toISOString(),
      checks: [
        postgres,
        gmail,
        stripe,
        twilio,
        claude,
        emails,
        invoices,
        ...(workflows ? [workflows] : []),
        screened.check,
      ],
      flaggedThreads: screened.opened,
    };
  }

  async function guarded(name: GuardianCheckName, run: () => Promise<GuardianCheck>): Promise<GuardianCheck> {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      return { name, status: 'fail', detail: `The check could not run: ${failureMessage(err)}` };
    }
  }

  /** The Gmail check, renewing the watch (issue 7's renewMailboxWatch) when it is about to lapse. */
  async function checkGmail(at: string): Promise<GuardianCheck> {
    let result: Awaited<ReturnType<typeof checks.guardianCheckGmail>>;
    try {
      result = await checks.guardianCheckGmail({ tenantId, at });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      return { name: 'gmail', status: 'fail', detail: `The check could not run: ${failureMessage(err)}` };
    }
    if (!result.renew) return result.check;
    try {
      return watchRenewalCheck(
        result.renew.expiresAt,
        await renewMailboxWatch({ tenantId, mailboxId: result.renew.mailboxId }),
      );
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      return watchRenewalCheck(result.renew.expiresAt, { failed: failureMessage(err) });
    }
  }

  async function screenInboundMail(): Promise<{
    check: GuardianCheck;
    claude: GuardianCheck | null;
    opened: Finding[];
    toAlert: Finding[];
  }> {
    let result: Awaited<ReturnType<typeof screening.screenInboundMessages>>;
    try {
      result = await screening.screenInboundMessages({ tenantId, checkpoint, alerted: [...alerted] });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      return { check: screeningFailedCheck(failureMessage(err)), claude: null, opened: [], toAlert: [] };
    }
    checkpoint = result.checkpoint;
    // Findings resolved since are forgotten: the carried set stays as small as what is open.
    alerted = new Set(result.stillOpen);
    const { check, claude } = screeningChecks({
      ...result,
      flagged: result.toAlert.length > 0 || result.opened.length > 0,
    });
    return { check, claude, opened: result.opened, toAlert: result.toAlert };
  }

  /**
   * The owner hears about an opening of a finding once: never again in this run or a later one
   * (the carried keys), and never twice if a retry or a restarted guardian gets here again (the
   * finding's row holds its alert email).
   */
  async function alertOwnerOnce(finding: Finding): Promise<void> {
    const key = findingKey(finding);
    if (alerted.has(key)) return;
    try {
      const prepared = await alerts.prepareUnsafeThreadAlert({ tenantId, findingId: finding.id, emailId: uuid4() });
      if (prepared.emailId && prepared.deliver) await deliverEmail(prepared.emailId);
      if (prepared.sms) await alerts.sendUnsafeThreadAlertSms({ tenantId, findingId: finding.id });
      await alerts.markUnsafeThreadAlerted({ tenantId, findingId: finding.id });
      alerted.add(key);
    } catch (err) {
      // Left unalerted in its row: the next pass lists it again and tries once more.
      if (!(err instanceof ActivityFailure)) throw err;
    }
  }

  /**
   * Started, not awaited: a delivery may retry for hours while Gmail is down, and the guardian's
   * schedule must not wait for it. The child outlives this run (ABANDON) across continue-as-new.
   */
  async function deliverEmail(emailId: string): Promise<void> {
    try {
      await startChild(emailDelivery, {
        ...emailDeliveryChild({ tenantId, emailId, retry: input.emailRetry }, [], input.deliveryTaskQueue),
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  async function recordReport(report: GuardianReport): Promise<void> {
    try {
      await checks.recordGuardianReport({
        tenantId,
        report,
        nextRunAt: paused ? null : new Date(nextDueMs).toISOString(),
      });
    } catch (err) {
      // Postgres down: the report is still in the workflow (the `report` query) and says so.
      if (!(err instanceof ActivityFailure)) throw err;
    }
  }
}

function failureMessage(err: ActivityFailure): string {
  return (err.cause?.message ?? err.message).slice(0, 300);
}
