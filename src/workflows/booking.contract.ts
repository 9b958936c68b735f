// The booking contract: one booking in, the story of its calendar event and messages out; the
// signals the bookings API (and the calendar sync) send once they changed the booking's row
// (reschedule, cancel, complete, no-show) and the status query GET /api/bookings/:id reads.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { BookingNoticeKind } from '../domain/booking-message';
import type { PlannedBookingReminder } from '../domain/booking-reminders';
import type { BookingChannel, BookingStatus, CancelledBy } from '../domain/bookings';
import type { EmailRetryPolicy } from '../domain/email';

export interface BookingInput {
  tenantId: string;
  bookingId: string;
  clientId: string;
  /** From config at start; workflows cannot read config. */
  emailRetry: EmailRetryPolicy;
  /**
   * The task queue of its emailDelivery children (the delivery queue: temporal/task-queues.ts),
   * from config at start. Absent in runs started before the queues were split: their children run
   * on the parent's queue, as they always did.
   */
  deliveryTaskQueue?: string;
}

export interface SentBookingMessage {
  kind: BookingNoticeKind;
  channel: BookingChannel;
  /** The start time the message was about. */
  forStartAt: string;
  at: string;
  status: 'sent' | 'failed' | 'skipped' | 'cancelled' | 'opted_out';
}

/** What the run knows of the booking's row, as its activities last read it. */
export interface BookingFacts {
  status: BookingStatus;
  startAt: string;
  endAt: string;
  channels: BookingChannel[];
  /** The reminders for this start time (those already past are `skipped`). */
  reminders: PlannedBookingReminder[];
}

export interface BookingWorkflowStatus {
  /** `past`: the appointment's time came and went while confirmed; marking it completed or a no-show is the front desk's. */
  state: 'active' | 'cancelled' | 'completed' | 'no_show' | 'past' | 'gone';
  startAt: string | null;
  nextReminderAt: string | null;
  calendar: {
    state: 'pending' | 'created' | 'moved' | 'deleted' | 'failed';
    eventId: string | null;
    error: string | null;
  };
  sent: SentBookingMessage[];
}

/** The booking's row already has its new time; the run moves the event and the reminders to it. */
export const rescheduleSignal = defineSignal<[{ startAt: string }]>('reschedule');
/** The row is cancelled: the event is deleted and nothing more is sent. */
export const cancelSignal = defineSignal<[{ by: CancelledBy; reason?: string | null }]>('cancel');
export const completeSignal = defineSignal<[{ invoiceId?: string | null }?]>('complete');
export const noShowSignal = defineSignal('noShow');
export const bookingStatusQuery = defineQuery<BookingWorkflowStatus>('status');
