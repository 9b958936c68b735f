// The owner's daily overdue digest: one email per business per day, at 08:00 in the business's
// time zone (before that day's reminders go out at 09:00 client time), listing the invoices that
// became overdue since the last digest. Nothing is sent on a day with none.
import { DateTime } from 'luxon';
import { formatMoney } from './money';

export const OVERDUE_DIGEST_LOCAL_HOUR = 8;
/** A long digest lists this many invoices and counts the rest: the owner opens the app for those. */
export const OVERDUE_DIGEST_MAX_LISTED = 50;

export interface OverdueDigestDue {
  /** The business's calendar day the digest is for (YYYY-MM-DD): one digest per day. */
  localDate: string;
  /**
   * 08:00 that day in the business's zone, as an ISO instant: the digest covers the invoices
   * flagged before it, so one flagged later that day waits for tomorrow's instead of making a second email.
   */
  cutoff: string;
}

/**
 * Whether a business's digest is due at `now`: once 08:00 has come in its zone (a pass later that
 * day, after an outage, still sends it) and only when that day has no digest yet.
 */
export function overdueDigestDue(input: {
  timeZone: string;
  now: Date;
  lastDigestDate: string | null;
}): OverdueDigestDue | null {
  const local = DateTime.fromJSDate(input.now, { zone: input.timeZone });
  if (!local.isValid) throw new Error(`Invalid time zone: ${input.timeZone}`);
  // Where DST skips 08:00 (no zone does today) luxon moves forward: still that morning.
  const digestTime = local.set({ hour: OVERDUE_DIGEST_LOCAL_HOUR, minute: 0, second: 0, millisecond: 0 });
  if (local < digestTime) return null;
  const localDate = local.toISODate() as string;
  if (input.lastDigestDate !== null && input.lastDigestDate >= localDate) return null;
  return { localDate, cutoff: digestTime.toUTC().toISO() as string };
}

export interface OverdueInvoiceLine {
  clientName: string;
  amountCents: number;
  currency: string;
  /** YYYY-MM-DD */
  dueDate: string;
  description: string;
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Amounts in several currencies are not added up: one total per currency, largest count first. */
function totals(invoices: readonly OverdueInvoiceLine[]): string {
  const byCurrency = new Map<string, { cents: number; count: number }>();
  for (const i of invoices) {
    const key = i.currency.toLowerCase();
    const t = byCurrency.get(key) ?? { cents: 0, count: 0 };
    t.cents += i.amountCents;
    t.count += 1;
    byCurrency.set(key, t);
  }
  return [...byCurrency.entries()]
    .sort(([a, x], [b, y]) => y.count - x.count || a.localeCompare(b))
    .map(([currency, t]) => formatMoney(t.cents, currency))
    .join(' + ');
}

export function overdueDigestMessage(input: {
  businessName: string;
  localDate: string;
  invoices: readonly OverdueInvoiceLine[];
}): { subject: string; text: string } {
  const { invoices } = input;
  if (invoices.length === 0) throw new Error('an overdue digest lists at least one invoice');
  const count = plural(invoices.length, 'invoice', 'invoices');
  const total = totals(invoices);
  const listed = invoices.slice(0, OVERDUE_DIGEST_MAX_LISTED);
  const more = invoices.length - listed.length;
  const lines = listed.map(
    (i) => `- ${i.clientName}: ${formatMoney(i.amountCents, i.currency)}, due ${i.dueDate} (${i.description})`,
  );
  if (more > 0)
    lines.push(`- and ${plural(more, 'more invoice', 'more invoices')} (the open invoices list shows them all)`);
  return {
    subject: `${count} overdue, ${total}`,
    text: [
      `${count} of ${input.businessName} became overdue since the last digest, ${total} in all:`,
      '',
      ...lines,
      '',
      `Each one is still unpaid after its last reminder, and no more automatic reminders will be sent for ${invoices.length === 1 ? 'it' : 'them'}.`,
      `This digest is for ${input.localDate}; the next one comes tomorrow at ${String(OVERDUE_DIGEST_LOCAL_HOUR).padStart(2, '0')}:00 if more invoices become overdue.`,
    ].join('\n'),
  };
}
