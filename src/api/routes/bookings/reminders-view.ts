// The `reminders` block of a booking: what was sent (or not, and why) comes from Postgres, the
// record of truth; the next reminder's instant from the running workflow's status query.
import type { Client } from '@temporalio/client';
import type { BookingMessage } from '../../../db/booking-reminders';
import type { Booking } from '../../../db/bookings';
import { queryIfRunning } from '../../../temporal/if-running';
import { bookingStatusQuery } from '../../../workflows/booking.contract';
import { presentMessage } from './schema';

export async function bookingRemindersView(temporal: Client, booking: Booking, messages: BookingMessage[]) {
  let nextReminderAt: string | null = null;
  if (booking.status === 'confirmed') {
    // When the workflow cannot answer right now, say what is known rather than fail the read.
    const status = await queryIfRunning(temporal, booking.workflowId, bookingStatusQuery).catch(() => null);
    nextReminderAt = status?.nextReminderAt ?? null;
  }
  return { nextReminderAt, sent: messages.map(presentMessage) };
}
