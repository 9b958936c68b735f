// Which reminder step a paymentReminder sends next, as pure functions of its plan, the steps it has
// handled and the time (the workflow passes its own deterministic clock). Kept out of the
// workflow body so it reads as the story of an invoice, and tested on its own.
import type { PlannedReminder } from './reminder-schedule';

/** The steps not handled yet, earliest first. */
export function pendingSteps(plan: readonly PlannedReminder[], handled: ReadonlySet<number>): PlannedReminder[] {
  return plan.filter((p) => !handled.has(p.step)).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/**
 * The step to send next, and the steps to skip. When several are already due (after a pause, a
 * reschedule or a worker outage), only the latest goes out and the earlier ones are skipped: one
 * reminder, not a burst. With none due, the next is the earliest pending one.
 */
export function nextStep(
  plan: readonly PlannedReminder[],
  handled: ReadonlySet<number>,
  nowMs: number,
): { step: PlannedReminder | undefined; skipped: number[] } {
  const pending = pendingSteps(plan, handled);
  const due = pending.filter((p) => Date.parse(p.at) <= nowMs);
  return { step: due[due.length - 1] ?? pending[0], skipped: due.slice(0, -1).map((p) => p.step) };
}
