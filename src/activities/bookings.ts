// Activities of the booking workflow. Each one re-reads the booking in Postgres first, so a cancel
// or a move that landed a moment ago always wins: a message goes out only while the booking is
// still confirmed at the very time it is about, and that is checked again right before the send
// (for email, by the outbox guard just before Gmail is called).
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { bookingLinkUrl, signBookingLink } from '../crypto/booking-link';
import { insertAuditEntry } from '../db/audit';
import { ensureBookingLink } from '../db/booking-links';
import { findBookingSettings } from '../db/booking-settings';
import { recordBookingMessage, type BookingMessageStatus } from '../db/booking-reminders';
import { findBooking, type Booking } from '../db/bookings';
import { findClient } from '../db/clients';
import { queueEmail } from '../db/emails';
import { findService } from '../db/services';
import { setSmsConsentByPhone } from '../db/sms-consent';
import type { Db } from '../db/sql';
import type { RunAsTenant } from '../db/tenant-transaction';
import { findTenant } from '../db/tenants';
import { bookingMessage, type BookingNoticeKind } from '../domain/booking-message';
import { planBookingReminders } from '../domain/booking-reminders';
import { calendarEventIdForBooking, type BookingChannel } from '../domain/bookings';
import { AppError, UpstreamError } from '../errors';
import type { Logger } from '../observability/logger';
import type { Calendar } from '../providers/google/calendar';
import type { BookingFacts } from '../workflows/booking.contract';
import type { ReminderSms } from './payment-reminders';
import { rowNotVisible } from './row-not-visible';
import { sendTextOnce } from './send-text-once';
import { asTemporalFailure } from './temporal-failure';

/** The Calendar calls a booking needs (src/providers/google/calendar.ts implements them). */
export type BookingCalendar = Pick<Calendar, 'insertEvent' | 'updateEvent' | 'deleteEvent'>;

export interface BookingActivityDeps {
  /** A transaction as the tenant (row-level security), made once for the whole worker. */
  tx: RunAsTenant;
  logger: Logger;
  publicBaseUrl: string;
  /** Signs the client's self-service links (JWT_SECRET_KEY, under an audience of their own). */
  linkSecret: string;
  /** The tenant's Google calendar; throws (an AppError or UpstreamError) when it cannot be reached. */
  calendarFor(tenantId: string): Promise<BookingCalendar>;
  sms(): ReminderSms;
}

/** Which message of a booking: its kind, the reminder's offset (0 otherwise), the start it is about. */
export interface BookingMessageRef {
  tenantId: string;
  bookingId: string;
  kind: BookingNoticeKind;
  minutesBefore: number;
  /** ISO instant. */
  forStartAt: string;
}

export type CalendarOutcome = { state: 'created' | 'moved' | 'deleted' | 'skipped'; eventId: string | null };

/** A link stays usable this long after the appointment it was sent about ends. */
const LINK_LIFETIME_AFTER_END_MS = 7 * 86_400_000;

/** One link per message, its jti derived from the message, so a retried send makes no second one. */
function linkIdFor(ref: BookingMessageRef, channel: BookingChannel): string {
  const hex = createHash('sha256')
    .update(`booking-link:${ref.bookingId}:${ref.kind}:${channel}:${ref.minutesBefore}:${ref.forStartAt}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A message goes out only while the booking is confirmed and starts at the time it is about. */
function isCurrent(booking: Booking | null, forStartAt: string): booking is Booking {
  return booking?.status === 'confirmed' && booking.startAt.getTime() === Date.parse(forStartAt);
}

/** A Calendar failure as Temporal should see it: a permanent one (not connected, unconfigured) is not retried. */
function calendarFailure(err: unknown): never {
  if (err instanceof UpstreamError) return asTemporalFailure(err);
  if (err instanceof AppError)
    throw ApplicationFailure.create({ message: err.message, type: err.type, nonRetryable: true });
  throw err;
}

export function createBookingActivities(deps: BookingActivityDeps) {
  const { tx } = deps;

  /** Everything a message or an event says: the business, the client, the service, the zone. */
  async function loadFacts(db: Db, booking: Booking) {
    const [tenant, client, service, settings] = await Promise.all([
      findTenant(db, booking.tenantId),
      findClient(db, booking.clientId),
      findService(db, booking.serviceId),
      findBookingSettings(db, booking.tenantId),
    ]);
    if (!tenant || !client || !service || !settings)
      throw ApplicationFailure.nonRetryable('booking without business, client or service', 'not_found');
    return { tenant, client, service, timeZone: settings.timeZone };
  }

  async function audit(db: Db, tenantId: string, action: string, bookingId: string, detail: Record<string, unknown>) {
    await insertAuditEntry(db, {
      tenantId,
      actorId: null,
      action,
      target: `booking:${bookingId}`,
      requestId: null,
      detail,
    });
  }

  /** The client's self-service link for this message (`<PUBLIC_BASE_URL>/api/public/bookings/<token>`). */
  async function manageUrl(db: Db, ref: BookingMessageRef, channel: BookingChannel, booking: Booking): Promise<string> {
    const link = await ensureBookingLink(db, {
      jti: linkIdFor(ref, channel),
      tenantId: ref.tenantId,
      bookingId: booking.id,
      expiresAt: new Date(booking.endAt.getTime() + LINK_LIFETIME_AFTER_END_MS),
    });
    const token = await signBookingLink(deps.linkSecret, {
      tenantId: link.tenantId,
      bookingId: link.bookingId,
      jti: link.jti,
      expiresAt: link.expiresAt,
    });
    return bookingLinkUrl(deps.publicBaseUrl, token);
  }

  async function record(
    ref: BookingMessageRef,
    channel: BookingChannel,
    status: BookingMessageStatus,
    extra: { emailId?: string | null; smsSid?: string | null; detail?: string | null; dueAt?: string | null } = {},
  ) {
    await tx(ref.tenantId, async (db) => {
      await recordBookingMessage(db, {
        tenantId: ref.tenantId,
        bookingId: ref.bookingId,
        kind: ref.kind,
        channel,
        minutesBefore: ref.minutesBefore,
        forStartAt: new Date(ref.forStartAt),
        dueAt: extra.dueAt ? new Date(extra.dueAt) : null,
        status,
        emailId: extra.emailId ?? null,
        smsSid: extra.smsSid ?? null,
        detail: extra.detail ?? null,
      });
      if (status !== 'queued')
        await audit(db, ref.tenantId, `booking.${ref.kind}_${status}`, ref.bookingId, {
          channel,
          forStartAt: ref.forStartAt,
          minutesBefore: ref.minutesBefore,
        });
    });
  }

  return {
    /**
     * The booking as it stands, with its reminders planned for its current start (offsets and zone
     * from the business's settings now; those already due at `now`, the workflow's clock, are
     * skipped). A row not visible yet is retried briefly: the API starts the run inside the
     * transaction that inserts it.
     */
    async loadBookingFacts(input: { tenantId: string; bookingId: string; now: string }): Promise<BookingFacts> {
      return tx(input.tenantId, async (db) => {
        const booking = await findBooking(db, input.bookingId);
        if (!booking) throw rowNotVisible(`booking ${input.bookingId}`);
        const settings = await findBookingSettings(db, input.tenantId);
        if (!settings) throw ApplicationFailure.nonRetryable('booking without business', 'not_found');
        return {
          status: booking.status,
          startAt: booking.startAt.toISOString(),
          endAt: booking.endAt.toISOString(),
          channels: booking.channels,
          reminders: planBookingReminders({
            startAt: booking.startAt,
            timeZone: settings.timeZone,
            now: input.now,
            channels: booking.channels,
            offsets: settings.reminders,
          }),
        };
      });
    },

    /**
     * events.insert with the id derived from the booking, so a retry after a lost answer finds the
     * event instead of making a second one; an event found from an earlier try is put at the
     * booking's current time. Nothing is made for a booking no longer confirmed.
     */
    async createBookingEvent(input: { tenantId: string; bookingId: string }): Promise<CalendarOutcome> {
      const loaded = await tx(input.tenantId, async (db) => {
        const booking = await findBooking(db, input.bookingId);
        if (!booking) throw rowNotVisible(`booking ${input.bookingId}`);
        return booking.status === 'confirmed' ? { booking, facts: await loadFacts(db, booking) } : null;
      });
      if (!loaded) return { state: 'skipped', eventId: null };
      const { booking, facts } = loaded;
      const eventId = booking.calendarEventId ?? calendarEventIdForBooking(booking.id);
      try {
        const calendar = await deps.calendarFor(input.tenantId);
        const { event, created } = await calendar.insertEvent(booking.calendarId, {
          id: eventId,
          summary: `${facts.service.name}: ${facts.client.name}`,
          ...(booking.notes ? { description: booking.notes } : {}),
          start: booking.startAt,
          end: booking.endAt,
          timeZone: facts.timeZone,
          privateProperties: { frontdeskBookingId: booking.id },
        });
        if (
          !created &&
          (event.start.getTime() !== booking.startAt.getTime() || event.end.getTime() !== booking.endAt.getTime())
        ) {
          await calendar.updateEvent(booking.calendarId, eventId, {
            start: booking.startAt,
            end: booking.endAt,
            timeZone: facts.timeZone,
          });
        }
      } catch (err) {
        return calendarFailure(err);
      }
      return { state: 'created', eventId };
    },

    /** The event follows the booking's current time (made afresh if Calendar no longer has it). */
    async moveBookingEvent(input: { tenantId: string; bookingId: string }): Promise<CalendarOutcome> {
      const loaded = await tx(input.tenantId, async (db) => {
        const booking = await findBooking(db, input.bookingId);
        return booking?.status === 'confirmed' ? { booking, facts: await loadFacts(db, booking) } : null;
      });
      if (!loaded) return { state: 'skipped', eventId: null };
      const { booking, facts } = loaded;
      const eventId = booking.calendarEventId ?? calendarEventIdForBooking(booking.id);
      try {
        const calendar = await deps.calendarFor(input.tenantId);
        try {
          await calendar.updateEvent(booking.calendarId, eventId, {
            start: booking.startAt,
            end: booking.endAt,
            timeZone: facts.timeZone,
          });
          return { state: 'moved', eventId };
        } catch (err) {
          if (!(err instanceof UpstreamError && err.code === 'not_found')) throw err;
          await calendar.insertEvent(booking.calendarId, {
            id: eventId,
            summary: `${facts.service.name}: ${facts.client.name}`,
            start: booking.startAt,
            end: booking.endAt,
            timeZone: facts.timeZone,
            privateProperties: { frontdeskBookingId: booking.id },
          });
          return { state: 'created', eventId };
        }
      } catch (err) {
        return calendarFailure(err);
      }
    },

    /** The booking was cancelled: its event goes (already gone is fine). */
    async deleteBookingEvent(input: { tenantId: string; bookingId: string }): Promise<CalendarOutcome> {
      const booking = await tx(input.tenantId, (db) => findBooking(db, input.bookingId));
      if (!booking) return { state: 'skipped', eventId: null };
      const eventId = booking.calendarEventId ?? calendarEventIdForBooking(booking.id);
      try {
        const calendar = await deps.calendarFor(input.tenantId);
        await calendar.deleteEvent(booking.calendarId, eventId);
      } catch (err) {
        return calendarFailure(err);
      }
      return { state: 'deleted', eventId };
    },

    /** The event could not be made, moved or deleted: the business sees it in its audit log. */
    async recordCalendarFailure(input: {
      tenantId: string;
      bookingId: string;
      operation: string;
      error: string;
    }): Promise<void> {
      await tx(input.tenantId, (db) =>
        audit(db, input.tenantId, 'booking.calendar_failed', input.bookingId, {
          operation: input.operation,
          error: input.error.slice(0, 300),
        }),
      );
    },

    /**
     * Writes the email into the outbox, guarded (sent only while the booking is confirmed at
     * `forStartAt`), and returns its id for the emailDelivery child; the id comes from the
     * workflow, so a retry reuses the row. Null when the booking changed or the client has no email.
     */
    async prepareBookingEmail(
      input: BookingMessageRef & { emailId: string; dueAt?: string | null },
    ): Promise<{ emailId: string | null; status: 'queued' | 'cancelled' | 'skipped' }> {
      const prepared = await tx(input.tenantId, async (db) => {
        const booking = await findBooking(db, input.bookingId);
        if (!isCurrent(booking, input.forStartAt))
          return { status: 'cancelled' as const, detail: 'the booking was cancelled or moved' };
        const { tenant, client, service, timeZone } = await loadFacts(db, booking);
        if (!client.email) return { status: 'skipped' as const, detail: 'client has no email address' };
        const message = bookingMessage({
          kind: input.kind,
          businessName: tenant.name,
          clientName: client.name,
          serviceName: service.name,
          startAt: booking.startAt,
          endAt: booking.endAt,
          timeZone,
          manageUrl: await manageUrl(db, input, 'email', booking),
        });
        await queueEmail(db, {
          id: input.emailId,
          tenantId: input.tenantId,
          purpose: 'booking_message',
          to: client.email,
          subject: message.subject,
          text: message.text,
          clientId: client.id,
          guard: { kind: 'booking_current', bookingId: input.bookingId, startAt: input.forStartAt },
        });
        return { status: 'queued' as const, detail: null };
      });
      await record(input, 'email', prepared.status, {
        emailId: prepared.status === 'queued' ? input.emailId : null,
        detail: prepared.detail,
        dueAt: input.dueAt ?? null,
      });
      return { emailId: prepared.status === 'queued' ? input.emailId : null, status: prepared.status };
    },

    /** How the emailDelivery child ended, on the message's row (and in the audit log). */
    async recordBookingEmailOutcome(
      input: BookingMessageRef & { emailId: string; status: 'sent' | 'failed' | 'cancelled'; detail?: string | null },
    ): Promise<void> {
      await record(input, 'email', input.status, { emailId: input.emailId, detail: input.detail ?? null });
    },

    /**
     * Texts the message when the client consents, after re-reading the booking right before the
     * send. Twilio's permanent errors are not retried; an opt-out (21610) clears the consent; a
     * 5xx on create may have sent it, so the next try first looks for it (sendTextOnce).
     */
    async sendBookingSms(
      input: BookingMessageRef & { dueAt?: string | null },
    ): Promise<{ status: 'sent' | 'skipped' | 'cancelled' | 'opted_out' | 'failed' }> {
      const read = () =>
        tx(input.tenantId, async (db) => {
          const booking = await findBooking(db, input.bookingId);
          if (!isCurrent(booking, input.forStartAt)) return null;
          return { booking, link: await manageUrl(db, input, 'sms', booking), ...(await loadFacts(db, booking)) };
        });
      const prepared = await read();
      if (!prepared) {
        await record(input, 'sms', 'cancelled', { detail: 'the booking was cancelled or moved' });
        return { status: 'cancelled' };
      }
      const { client } = prepared;
      if (!client.phone || !client.smsConsent) {
        await record(input, 'sms', 'skipped', {
          detail: client.phone ? 'no SMS consent' : 'client has no phone number',
        });
        return { status: 'skipped' };
      }
      const phone = client.phone;
      // The row exists before the send, so a status callback that beats our own record finds it.
      await record(input, 'sms', 'queued', { dueAt: input.dueAt ?? null });
      // Re-read right before sending: a cancel or a move that arrived while we prepared still wins.
      const now = await read();
      if (!now) {
        await record(input, 'sms', 'cancelled', { detail: 'the booking was cancelled or moved' });
        return { status: 'cancelled' };
      }
      const { tenant, service, booking, timeZone, link } = now;
      const body = bookingMessage({
        kind: input.kind,
        businessName: tenant.name,
        clientName: client.name,
        serviceName: service.name,
        startAt: booking.startAt,
        endAt: booking.endAt,
        timeZone,
        manageUrl: link,
      }).sms;
      // No ids in the URL: the status route finds a booking text by its SID (stored as it is sent).
      const statusCallback = `${deps.publicBaseUrl}/api/sms/status`;
      try {
        const sent = await sendTextOnce(deps.sms(), { to: phone, body, statusCallback });
        await record(input, 'sms', 'sent', {
          smsSid: sent.sid,
          detail: sent.recovered ? 'found after an ambiguous failure' : null,
        });
        return { status: 'sent' };
      } catch (err) {
        if (err instanceof UpstreamError && err.code === 'recipient_opted_out') {
          await tx(input.tenantId, (db) =>
            setSmsConsentByPhone(db, { tenantId: input.tenantId, phone, granted: false, source: 'twilio:21610' }),
          );
          await record(input, 'sms', 'opted_out', { detail: 'the recipient has opted out (Twilio 21610)' });
          return { status: 'opted_out' };
        }
        if (err instanceof UpstreamError && !err.retryable) {
          await record(input, 'sms', 'failed', { detail: `${err.code}: ${err.message}`.slice(0, 300) });
          return { status: 'failed' };
        }
        throw err;
      }
    },
  };
}
