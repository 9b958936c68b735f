// What ops may do to each workflow type through POST /api/workflows/:id/signal, declared per type:
// the signals it accepts from outside, with a zod schema for their arguments, and the query that
// reports its state (`state` in GET /api/workflows/:id). A signal not declared here is refused
// with 422, whatever the workflow itself would accept.
//
// Add an entry when you add a workflow type (one key per type, as registered by the worker).
// Leave out signals that must move together with a database row: paid, void and reschedule of
// paymentReminder change the invoice too, so they go through the invoices API (mark-paid, void,
// reschedule), never a bare signal that would leave the invoice and its reminders disagreeing.
import { z, type ZodType } from 'zod';
import { guardianReportQuery, guardianRunNowSignal, housekeepingRunNowSignal, housekeepingStatusQuery, mailboxChangedSignal, pauseSignal, renewWatchSignal, resumeSignal } from '../workflows/definitions';

export interface DeclaredSignal {
  /** What the signal does, for the OpenAPI description and the README runbook. */
  description: string;
  /** The signal's argument list (the `args` array of the request), as a zod tuple. */
  args: ZodType;
}

export interface DeclaredWorkflow {
  /** The query that reports the workflow's state, if it has one. */
  statusQuery: string | null;
  signals: Readonly<Record<string, DeclaredSignal>>;
}

/** A signal that takes no argument: `args` absent or `[]`. */
const noArgs = z.tuple([], { error: (issue) => (issue.code === 'invalid_type' ? 'must be an array' : undefined) }).describe('no arguments');

export const WORKFLOW_OPERATIONS = {
  paymentReminder: {
    statusQuery: 'status',
    signals: {
      [pauseSignal.name]: { description: 'Stops sending reminders until resumed; no step is lost.', args: noArgs },
      [resumeSignal.name]: { description: 'Sends reminders again; a step that fell due while paused goes out at once, only the latest one.', args: noArgs },
    },
  },
  emailDelivery: { statusQuery: 'status', signals: {} },
  smsDelivery: { statusQuery: 'status', signals: {} },
  mailboxSync: {
    statusQuery: 'status',
    signals: {
      [mailboxChangedSignal.name]: {
        description: 'Syncs the mailbox now, as a Gmail push would (no args, or [{}]); the pass reads from the stored cursor.',
        args: z.union([
          noArgs.transform(() => [{}]),
          z.tuple([z.object({ historyId: z.string().regex(/^\d+$/, 'must be a Gmail history id').optional() }).strict()]),
        ]),
      },
    },
  },
  mailboxWatch: {
    statusQuery: 'status',
    signals: { [renewWatchSignal.name]: { description: 'Renews the Gmail watch (users.watch) now.', args: noArgs } },
  },
  probe: { statusQuery: 'status', signals: {} },
  calendarPing: { statusQuery: null, signals: {} },
  // Platform-wide (no TenantId): reachable from the Temporal UI only, never through /api/workflows.
  housekeeping: {
    statusQuery: housekeepingStatusQuery.name,
    signals: { [housekeepingRunNowSignal.name]: { description: 'Purges expired records now; the cadence does not move.', args: noArgs } },
  },
  guardian: {
    statusQuery: guardianReportQuery.name,
    signals: {
      [pauseSignal.name]: { description: 'Stops the scheduled passes (the same as POST /api/guardian/pause, which also records it).', args: noArgs },
      [resumeSignal.name]: { description: 'Starts the scheduled passes again; a pass that fell due while paused runs at once.', args: noArgs },
      [guardianRunNowSignal.name]: { description: 'Runs one pass at once, also while paused; the schedule does not move.', args: noArgs },
    },
  },
} as const satisfies Record<string, DeclaredWorkflow>;

export type DeclaredWorkflowType = keyof typeof WORKFLOW_OPERATIONS;

export const DECLARED_WORKFLOW_TYPES = Object.keys(WORKFLOW_OPERATIONS) as [DeclaredWorkflowType, ...DeclaredWorkflowType[]];

export function declaredWorkflow(type: string): DeclaredWorkflow | null {
  return Object.hasOwn(WORKFLOW_OPERATIONS, type) ? WORKFLOW_OPERATIONS[type as DeclaredWorkflowType] : null;
}

export type SignalCheck =
  | { ok: true; args: unknown[] }
  | { ok: false; problems: { path: string; message: string }[] };

/** Whether `type` declares signal `name`, and its arguments parsed by the declared schema. */
export function checkSignal(type: string, name: string, args: unknown): SignalCheck {
  const declared = declaredWorkflow(type)?.signals[name];
  if (!declared) {
    const allowed = Object.keys(declaredWorkflow(type)?.signals ?? {});
    const message = allowed.length > 0 ? `is not a signal ${type} accepts from ops (allowed: ${allowed.join(', ')})` : `${type} accepts no signal from ops`;
    return { ok: false, problems: [{ path: 'name', message }] };
  }
  const parsed = declared.args.safeParse(args ?? []);
  if (parsed.success) return { ok: true, args: parsed.data as unknown[] };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => ({ path: ['args', ...issue.path.map(String)].join('.'), message: issue.message })),
  };
}
