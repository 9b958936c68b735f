// What ops may do to each workflow type through POST /api/workflows/:id/signal, declared per type
// from the workflow's own contract: the signals it accepts from outside, with a zod schema for
// their arguments, and the query that reports its state (`state` in GET /api/workflows/:id). A
// signal not declared here is refused with 422, whatever the workflow itself would accept.
//
// Every workflow type the worker registers has an entry (the type checks it against
// src/workflows/index.ts). Leave out signals that must move together with a database row: paid,
// void and reschedule of paymentReminder change the invoice too, so they go through the invoices
// API (mark-paid, void, reschedule), never a bare signal that would leave the invoice and its
// reminders disagreeing. The same holds for every signal of booking: reschedule, cancel, complete
// and no-show go through the bookings API.
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { z, type ZodType } from 'zod';
import type * as registeredWorkflows from '../../../workflows';
import { bookingStatusQuery } from '../../../workflows/booking.contract';
import * as calendarSync from '../../../workflows/calendar-sync.contract';
import { emailDeliveryStatusQuery } from '../../../workflows/email-delivery.contract';
import * as guardian from '../../../workflows/guardian.contract';
import * as housekeeping from '../../../workflows/housekeeping.contract';
import * as mailboxSync from '../../../workflows/mailbox-sync.contract';
import * as mailboxWatch from '../../../workflows/mailbox-watch.contract';
import * as paymentReminder from '../../../workflows/payment-reminder.contract';
import { probeStatusQuery } from '../../../workflows/probe.contract';
import * as replyAgent from '../../../workflows/reply-agent.contract';
import { smsDeliveryStatusQuery } from '../../../workflows/sms-delivery.contract';
import { stripeInboxStatusQuery } from '../../../workflows/stripe-inbox.contract';

export interface DeclaredSignal {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the args are checked by `args` at run time
  definition: SignalDefinition<any[]>;
  /** What the signal does, for the OpenAPI description and the README runbook. */
  description: string;
  /** The signal's argument list (the `args` array of the request), as a zod tuple. */
  args: ZodType;
  /**
   * The Workflow Update of the same name, for the `temporal` CLI and the Web UI (`temporal
   * workflow update execute --name …`): its validator refuses what the workflow cannot apply.
   * The ops route sends the signal, whose arguments it has checked itself.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for definition
  update?: UpdateDefinition<any, any[]>;
}

export interface DeclaredWorkflow {
  /** The query that reports the workflow's state, if it has one. */
  statusQuery: QueryDefinition<unknown, []> | null;
  signals: readonly DeclaredSignal[];
}

/** A signal that takes no argument: `args` absent or `[]`. */
const noArgs = z
  .tuple([], { error: (issue) => (issue.code === 'invalid_type' ? 'must be an array' : undefined) })
  .describe('no arguments');

export const WORKFLOW_OPERATIONS = {
  paymentReminder: {
    statusQuery: paymentReminder.paymentReminderStatusQuery,
    signals: [
      {
        definition: paymentReminder.pauseSignal,
        update: paymentReminder.pauseUpdate,
        description: 'Stops sending reminders until resumed; no step is lost.',
        args: noArgs,
      },
      {
        definition: paymentReminder.resumeSignal,
        update: paymentReminder.resumeUpdate,
        description: 'Sends reminders again; a step that fell due while paused goes out at once, only the latest one.',
        args: noArgs,
      },
    ],
  },
  booking: { statusQuery: bookingStatusQuery, signals: [] },
  emailDelivery: { statusQuery: emailDeliveryStatusQuery, signals: [] },
  smsDelivery: { statusQuery: smsDeliveryStatusQuery, signals: [] },
  mailboxSync: {
    statusQuery: mailboxSync.mailboxSyncStatusQuery,
    signals: [
      {
        definition: mailboxSync.mailboxChangedSignal,
        description:
          'Syncs the mailbox now, as a Gmail push would (no args, or [{}]); the pass reads from the stored cursor.',
        args: z.union([
          noArgs.transform(() => [{}]),
          z.tuple([
            z.object({ historyId: z.string().regex(/^\d+$/, 'must be a Gmail history id').optional() }).strict(),
          ]),
        ]),
      },
    ],
  },
  mailboxWatch: {
    statusQuery: mailboxWatch.mailboxWatchStatusQuery,
    signals: [
      {
        definition: mailboxWatch.renewWatchSignal,
        description: 'Renews the Gmail watch (users.watch) now.',
        args: noArgs,
      },
    ],
  },
  probe: { statusQuery: probeStatusQuery, signals: [] },
  calendarPing: { statusQuery: null, signals: [] },
  calendarFreeBusy: { statusQuery: null, signals: [] },
  // One Stripe event, applied within moments of its webhook; nothing to tell it from outside.
  stripeEvent: { statusQuery: null, signals: [] },
  // Events reach it from the verified webhook only: a hand-made event would skip the signature.
  stripeInbox: { statusQuery: stripeInboxStatusQuery, signals: [] },
  calendarSync: {
    statusQuery: calendarSync.calendarSyncStatusQuery,
    signals: [
      {
        definition: calendarSync.calendarChangedSignal,
        description: 'Syncs the calendar now, as a Calendar push would.',
        args: noArgs,
      },
    ],
  },
  // Platform-wide (no TenantId): reachable from the Temporal UI only, never through /api/workflows.
  // A pass started by the housekeeping Schedule: trigger the Schedule for one now.
  housekeepingPass: { statusQuery: null, signals: [] },
  // A pass started by the overdue-digest Schedule: trigger the Schedule for one now.
  overdueDigestPass: { statusQuery: null, signals: [] },
  // Approving and rejecting drafts go through /api/agents/drafts, which checks the draft first.
  replyAgent: {
    statusQuery: replyAgent.replyAgentStatusQuery,
    signals: [
      {
        definition: replyAgent.agentMessageSignal,
        description:
          "Drafts a reply to this thread's message now ([{ messageId }]); a draft still pending is superseded.",
        args: z.tuple([z.object({ messageId: z.guid() }).strict()]),
      },
    ],
  },
  // The long-running form before the Schedule (a run still going is cancelled at worker boot).
  housekeeping: {
    statusQuery: housekeeping.housekeepingStatusQuery,
    signals: [
      {
        definition: housekeeping.housekeepingRunNowSignal,
        description: 'Purges expired records now; the cadence does not move.',
        args: noArgs,
      },
    ],
  },
  guardian: {
    statusQuery: guardian.guardianReportQuery,
    signals: [
      {
        definition: guardian.pauseSignal,
        description: 'Stops the scheduled passes (the same as POST /api/guardian/pause, which also records it).',
        args: noArgs,
      },
      {
        definition: guardian.resumeSignal,
        description: 'Starts the scheduled passes again; a pass that fell due while paused runs at once.',
        args: noArgs,
      },
      {
        definition: guardian.guardianRunNowSignal,
        update: guardian.guardianRunNowUpdate,
        description: 'Runs one pass at once, also while paused; the schedule does not move.',
        args: noArgs,
      },
    ],
  },
} as const satisfies Record<keyof typeof registeredWorkflows, DeclaredWorkflow>;

export type DeclaredWorkflowType = keyof typeof WORKFLOW_OPERATIONS;

export const DECLARED_WORKFLOW_TYPES = Object.keys(WORKFLOW_OPERATIONS) as [
  DeclaredWorkflowType,
  ...DeclaredWorkflowType[],
];

export function declaredWorkflow(type: string): DeclaredWorkflow | null {
  return Object.hasOwn(WORKFLOW_OPERATIONS, type) ? WORKFLOW_OPERATIONS[type as DeclaredWorkflowType] : null;
}

export type SignalCheck =
  | { ok: true; signal: DeclaredSignal['definition']; args: unknown[] }
  | { ok: false; problems: { path: string; message: string }[] };

/** Whether `type` declares signal `name`, and its arguments parsed by the declared schema. */
export function checkSignal(type: string, name: string, args: unknown): SignalCheck {
  const signals = declaredWorkflow(type)?.signals ?? [];
  const declared = signals.find((s) => s.definition.name === name);
  if (!declared) {
    const allowed = signals.map((s) => s.definition.name);
    const message =
      allowed.length > 0
        ? `is not a signal ${type} accepts from ops (allowed: ${allowed.join(', ')})`
        : `${type} accepts no signal from ops`;
    return { ok: false, problems: [{ path: 'name', message }] };
  }
  const parsed = declared.args.safeParse(args ?? []);
  if (parsed.success) return { ok: true, signal: declared.definition, args: parsed.data as unknown[] };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => ({
      path: ['args', ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  };
}
