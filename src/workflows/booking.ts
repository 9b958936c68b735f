// One durable workflow per booking (workflowId booking:<tenant>:<booking>), from the moment it is
// made until its appointment has passed. It puts the booking in Google Calendar (under an event id
// derived from the booking's, so a retried insert finds its event), sends the confirmation, then
// each reminder on a durable timer. The API changes the booking's row first and then signals:
// reschedule moves the event and the timers, cancel deletes the event and stops everything,
// complete and no-show end the run. Every send re-reads the row just before it goes (the email's
// outbox guard, the text's activity), so a message about a time that was cancelled or moved a
// moment ago is never sent, whatever the timing of the signal.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  executeChild,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  uuid4,
} from '@temporalio/workflow';
import type { CalendarOutcome, createBookingActivities } from '../activities/bookings';
import type { BookingNoticeKind } from '../domain/booking-message';
import type { PlannedBookingReminder } from '../domain/booking-reminders';
import type { BookingChannel } from '../domain/bookings';
import { BookingIdKey } from '../domain/search-attributes';
import {
  bookingStatusQuery,
  cancelSignal,
  completeSignal,
  noShowSignal,
  rescheduleSignal,
  type BookingFacts,
  type BookingInput,
  type BookingWorkflowStatus,
  type SentBookingMessage,
} from './booking.contract';
import { emailDelivery } from './email-delivery';
import { emailDeliveryChild } from './email-delivery-child';
import type { EmailDeliveryResult } from './email-delivery.contract';

type Activities = ReturnType<typeof createBookingActivities>;
type Outcome = 'cancelled' | 'completed' | 'no_show';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

// Calendar is retried for a while; past that the booking goes on without its event (the failure
// is audited and shown on the booking), since the client's confirmation matters more.
const calendarActs = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export async function booking(input: BookingInput): Promise<BookingWorkflowStatus> {
  const { tenantId, bookingId } = input;
  // Declared wide: the signal handlers set them between awaits, which narrowing cannot see.
  let outcome = null as Outcome | null;
  let ended = null as 'past' | 'gone' | null;
  // Reschedule signals received; each one means "the row has a new time: follow it".
  let moves = 0;
  let facts = null as BookingFacts | null;
  let calendar: BookingWorkflowStatus['calendar'] = { state: 'pending', eventId: null, error: null };
  // Reminders of the current start already sent or passed over.
  const handled = new Set<string>();
  const sent: SentBookingMessage[] = [];

  setHandler(rescheduleSignal, () => void (moves += 1));
  setHandler(cancelSignal, () => void (outcome ??= 'cancelled'));
  setHandler(completeSignal, () => void (outcome ??= 'completed'));
  setHandler(noShowSignal, () => void (outcome ??= 'no_show'));
  setHandler(bookingStatusQuery, () => status());

  function status(): BookingWorkflowStatus {
    const next = outcome || ended ? undefined : pendingReminders()[0];
    return {
      state: outcome ?? ended ?? 'active',
      startAt: facts?.startAt ?? null,
      nextReminderAt: next ? new Date(Math.max(Date.parse(next.at), Date.now())).toISOString() : null,
      calendar: { ...calendar },
      sent: [...sent],
    };
  }

  function pendingReminders(): PlannedBookingReminder[] {
    return (facts?.reminders ?? []).filter((r) => r.status === 'scheduled' && !handled.has(r.key));
  }

  /**
   * The reminder to send next. Several already due (after a worker outage, or a move close to the
   * start) send only the latest, and none once the appointment has started: one timely reminder,
   * never a burst or one too late to help.
   */
  function nextReminder(): PlannedBookingReminder | undefined {
    const pending = pendingReminders();
    if (facts && Date.now() >= Date.parse(facts.startAt)) {
      for (const r of pending) handled.add(r.key);
      return undefined;
    }
    const due = pending.filter((r) => Date.parse(r.at) <= Date.now());
    for (const stale of due.slice(0, -1)) handled.add(stale.key);
    return due[due.length - 1] ?? pending[0];
  }

  /** Loads the row; false when the booking is no longer confirmed (its status becomes the outcome). */
  async function reload(): Promise<boolean> {
    facts = await acts.loadBookingFacts({ tenantId, bookingId, now: new Date(Date.now()).toISOString() });
    handled.clear();
    if (facts.status !== 'confirmed') outcome ??= facts.status;
    return outcome === null;
  }

  try {
    // A run started by a move (the signal came with the start, after an earlier run had ended)
    // announces the new time instead of confirming again.
    const startedByMove = moves > 0;
    let followedMoves = moves;
    if (await reload()) {
      await calendarStep('create', () => calendarActs.createBookingEvent({ tenantId, bookingId }));
      if (outcome === null && followedMoves === moves) await sendToAll(startedByMove ? 'rescheduled' : 'confirmation');
    }

    while (outcome === null) {
      if (followedMoves !== moves) {
        followedMoves = moves;
        if (!(await reload())) break;
        await calendarStep('move', () => calendarActs.moveBookingEvent({ tenantId, bookingId }));
        // Moved again meanwhile: the next turn announces the newest time only.
        if (outcome === null && followedMoves === moves) await sendToAll('rescheduled');
        continue;
      }
      const current = facts as BookingFacts;
      const heard = moves;
      const interrupted = () => outcome !== null || moves !== heard;
      const reminder = nextReminder();
      if (!reminder) {
        // Nothing left to send: stay until the appointment is over, for a move or a cancel.
        const untilEnd = Date.parse(current.endAt) - Date.now();
        if (untilEnd > 0 && (await condition(interrupted, untilEnd))) continue;
        ended = 'past';
        break;
      }
      const wait = Date.parse(reminder.at) - Date.now();
      if (wait > 0 && (await condition(interrupted, wait))) continue;
      handled.add(reminder.key);
      await sendMessage('reminder', reminder.channel, reminder.minutesBefore, current.startAt, reminder.at);
    }

    if (outcome === 'cancelled')
      await calendarStep('delete', () => calendarActs.deleteBookingEvent({ tenantId, bookingId }));
    return status();
  } catch (err) {
    // The API's transaction that inserted the row rolled back: there is no booking to look after.
    if (
      err instanceof ActivityFailure &&
      err.cause instanceof ApplicationFailure &&
      err.cause.type === 'not_found' &&
      !isCancellation(err)
    ) {
      ended = 'gone';
      return status();
    }
    throw err;
  }

  async function calendarStep(
    operation: 'create' | 'move' | 'delete',
    run: () => Promise<CalendarOutcome>,
  ): Promise<void> {
    try {
      const result = await run();
      if (result.state !== 'skipped') calendar = { state: result.state, eventId: result.eventId, error: null };
    } catch (err) {
      if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
      const error = err.cause?.message ?? err.message;
      calendar = { ...calendar, state: 'failed', error };
      await acts.recordCalendarFailure({ tenantId, bookingId, operation, error });
    }
  }

  async function sendToAll(kind: BookingNoticeKind): Promise<void> {
    const current = facts as BookingFacts;
    for (const channel of current.channels) {
      if (outcome !== null || current !== facts) return;
      await sendMessage(kind, channel, 0, current.startAt, null);
    }
  }

  async function sendMessage(
    kind: BookingNoticeKind,
    channel: BookingChannel,
    minutesBefore: number,
    forStartAt: string,
    dueAt: string | null,
  ): Promise<void> {
    const ref = { tenantId, bookingId, kind, minutesBefore, forStartAt, dueAt };
    if (channel === 'sms') {
      const text = await acts.sendBookingSms(ref);
      return record(kind, channel, forStartAt, text.status);
    }
    const prepared = await acts.prepareBookingEmail({ ...ref, emailId: uuid4() });
    if (!prepared.emailId)
      return record(kind, channel, forStartAt, prepared.status === 'cancelled' ? 'cancelled' : 'skipped');
    const result = await deliverEmail(prepared.emailId);
    const emailStatus = result.status === 'sent' ? 'sent' : result.status === 'cancelled' ? 'cancelled' : 'failed';
    await acts.recordBookingEmailOutcome({
      ...ref,
      emailId: prepared.emailId,
      status: emailStatus,
      detail: result.error ?? null,
    });
    record(kind, channel, forStartAt, emailStatus);
  }

  function deliverEmail(emailId: string): Promise<EmailDeliveryResult> {
    return executeChild(emailDelivery, {
      ...emailDeliveryChild(
        { tenantId, emailId, retry: input.emailRetry },
        [{ key: BookingIdKey, value: bookingId }],
        input.deliveryTaskQueue,
      ),
      // A terminated booking run leaves an email in flight to settle: its guard (the booking
      // still confirmed at that time) decides whether it is sent.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  }

  function record(
    kind: BookingNoticeKind,
    channel: BookingChannel,
    forStartAt: string,
    s: SentBookingMessage['status'],
  ): void {
    sent.push({ kind, channel, forStartAt, at: new Date(Date.now()).toISOString(), status: s });
  }
}
