// What an operator may send the paymentReminder workflow, read defensively. Signals and updates
// arrive from the API, but also from the `temporal` CLI and the Web UI, where anything can be
// typed: a wrong shape must be refused (an update's validator) or logged and ignored (a signal
// handler), never thrown inside the workflow, where it failed every workflow task and wedged the
// workflow for good. Pure, so workflow code may import it.
import type { PlannedReminder } from './reminder-schedule';

export const PAID_BY_HAND_METHODS = ['cash', 'check', 'bank', 'other'] as const;
export type PaidByHandMethod = (typeof PAID_BY_HAND_METHODS)[number];

export interface PaidArgs {
  /** How it was paid: stripe (the webhook) or one of PAID_BY_HAND_METHODS. */
  method?: string;
  /** Set by the API and the Stripe webhook, which wrote the invoice row themselves. */
  recorded?: boolean;
}

export interface RescheduleArgs {
  dueDate: string;
  plan: PlannedReminder[];
}

/** Either the arguments, or why they are not. */
export type Read<T> = { ok: true; value: T } | { ok: false; problem: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInstant = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

export function readPaidArgs(arg: unknown): Read<PaidArgs> {
  if (arg === undefined || arg === null) return { ok: true, value: {} };
  if (!isRecord(arg))
    return { ok: false, problem: 'paid takes no argument or { "method": "cash" | "check" | "bank" | "other" }' };
  const { method, recorded } = arg;
  if (method !== undefined && method !== 'stripe' && !PAID_BY_HAND_METHODS.includes(method as PaidByHandMethod)) {
    return { ok: false, problem: `paid: method must be one of ${PAID_BY_HAND_METHODS.join(', ')}` };
  }
  return {
    ok: true,
    value: { ...(typeof method === 'string' ? { method } : {}), ...(recorded === true ? { recorded: true } : {}) },
  };
}

/**
 * A reschedule carries the new plan the API computed (POST /api/invoices/:id/reschedule, which
 * also stores the new due date): `{ dueDate, plan: [{ step, at, status }] }`.
 */
export function readRescheduleArgs(arg: unknown): Read<RescheduleArgs> {
  const shape =
    'reschedule takes { "dueDate": "YYYY-MM-DD", "plan": [{ "step": n, "at": ISO instant, "status": "scheduled" | "skipped" }] }; use POST /api/invoices/:id/reschedule, which computes the plan';
  if (
    !isRecord(arg) ||
    typeof arg.dueDate !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(arg.dueDate) ||
    !Array.isArray(arg.plan)
  ) {
    return { ok: false, problem: shape };
  }
  const plan: PlannedReminder[] = [];
  for (const p of arg.plan) {
    if (
      !isRecord(p) ||
      !Number.isInteger(p.step) ||
      !isInstant(p.at) ||
      (p.status !== 'scheduled' && p.status !== 'skipped')
    )
      return { ok: false, problem: shape };
    plan.push({ step: p.step as number, at: p.at, status: p.status });
  }
  return { ok: true, value: { dueDate: arg.dueDate, plan } };
}
