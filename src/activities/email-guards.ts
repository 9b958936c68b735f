// Conditions an email is sent under, re-read right before each send.
import { findBooking } from '../db/bookings';
import { findInvoice } from '../db/invoices';
import type { Db } from '../db/sql';
import type { EmailGuard } from '../domain/email';

export async function emailGuardHolds(db: Db, guard: EmailGuard): Promise<boolean> {
  switch (guard.kind) {
    case 'invoice_open':
      return (await findInvoice(db, guard.invoiceId))?.status === 'open';
    case 'booking_current': {
      const booking = await findBooking(db, guard.bookingId);
      return booking?.status === 'confirmed' && booking.startAt.getTime() === Date.parse(guard.startAt);
    }
  }
}
