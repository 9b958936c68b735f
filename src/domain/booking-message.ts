// The words of what a client hears about a booking: the confirmation, each reminder, and the
// notice that it moved. Times are written in the business's zone, where the appointment is.
import { DateTime } from 'luxon';

export type BookingNoticeKind = 'confirmation' | 'reminder' | 'rescheduled';

export interface BookingMessageFacts {
  kind: BookingNoticeKind;
  businessName: string;
  clientName: string;
  serviceName: string;
  startAt: Date;
  endAt: Date;
  /** The business's IANA zone. */
  timeZone: string;
  /** The client's self-service link, when one was made. */
  manageUrl?: string | null;
}

/** "Tuesday 12 March 2030, 10:00–11:00 (America/New_York)". */
export function appointmentTime(startAt: Date, endAt: Date, timeZone: string): string {
  const start = DateTime.fromJSDate(startAt, { zone: timeZone });
  const end = DateTime.fromJSDate(endAt, { zone: timeZone });
  return `${start.toFormat('cccc d LLLL yyyy, HH:mm')}–${end.toFormat('HH:mm')} (${timeZone})`;
}

export function bookingMessage(f: BookingMessageFacts): { subject: string; text: string; sms: string } {
  const when = appointmentTime(f.startAt, f.endAt, f.timeZone);
  const short = DateTime.fromJSDate(f.startAt, { zone: f.timeZone }).toFormat('ccc d LLL, HH:mm');
  const headline = {
    confirmation: `your ${f.serviceName} is booked for ${when}.`,
    reminder: `a reminder of your ${f.serviceName} on ${when}.`,
    rescheduled: `your ${f.serviceName} has moved to ${when}.`,
  }[f.kind];
  const subject = {
    confirmation: `Booked: ${f.serviceName} at ${f.businessName}, ${short}`,
    reminder: `Reminder: ${f.serviceName} at ${f.businessName}, ${short}`,
    rescheduled: `Moved: ${f.serviceName} at ${f.businessName}, now ${short}`,
  }[f.kind];
  const manage = f.manageUrl
    ? `To see, move or cancel it: ${f.manageUrl}`
    : 'To move or cancel it, reply to this message.';
  const text = [
    `Hi ${f.clientName},`,
    '',
    `This is ${f.businessName}: ${headline}`,
    '',
    manage,
    '',
    f.businessName,
  ].join('\n');
  const smsHeadline = { confirmation: 'booked', reminder: 'reminder', rescheduled: 'moved to' }[f.kind];
  const sms =
    `${f.businessName}: ${f.serviceName} ${smsHeadline} ${short}. ${f.manageUrl ? `Manage: ${f.manageUrl}` : ''} Reply STOP to opt out.`
      .replace(/\s+/g, ' ')
      .trim();
  return { subject, text, sms };
}
