// The words of a payment reminder: who it is from, how much, when it was due, where to pay.
import { formatMoney } from './money';

export interface ReminderFacts {
  businessName: string;
  clientName: string;
  amountCents: number;
  currency: string;
  dueDate: string;
  description: string;
  paymentUrl: string | null;
  /** Offset in days from the due date: negative before it, positive after. */
  step: number;
}

export function reminderMessage(f: ReminderFacts): { subject: string; text: string; sms: string } {
  const amount = formatMoney(f.amountCents, f.currency);
  const when =
    f.step < 0 ? `is due on ${f.dueDate}` : f.step === 0 ? `is due today (${f.dueDate})` : `was due on ${f.dueDate}`;
  const pay = f.paymentUrl ? `Pay securely here: ${f.paymentUrl}` : 'Reply to this message to arrange payment.';
  const subject =
    f.step > 0
      ? `Overdue: ${amount} to ${f.businessName}`
      : `Reminder: ${amount} to ${f.businessName} ${f.step < 0 ? 'due soon' : 'due today'}`;
  const text = [
    `Hi ${f.clientName},`,
    '',
    `This is a friendly reminder from ${f.businessName}: your invoice for ${amount} (${f.description}) ${when}.`,
    '',
    pay,
    '',
    'If you have already paid, thank you, and please ignore this message.',
    '',
    f.businessName,
  ].join('\n');
  const sms =
    `${f.businessName}: your invoice for ${amount} ${when}. ${f.paymentUrl ? `Pay: ${f.paymentUrl}` : ''} Reply STOP to opt out.`
      .replace(/\s+/g, ' ')
      .trim();
  return { subject, text, sms };
}

/**
 * The one-invoice owner alert of reminder runs from before the daily overdue digest (their saved
 * histories take this path); new runs leave the owner to the digest (overdue-digest.ts).
 */
export function overdueAlertMessage(f: Omit<ReminderFacts, 'step' | 'paymentUrl'> & { invoiceId: string }): {
  subject: string;
  text: string;
} {
  const amount = formatMoney(f.amountCents, f.currency);
  return {
    subject: `Invoice overdue: ${f.clientName}, ${amount}`,
    text: [
      `The invoice for ${f.clientName} (${amount}, ${f.description}), due ${f.dueDate}, is still unpaid after its last reminder.`,
      '',
      `Invoice id: ${f.invoiceId}. No more automatic reminders will be sent.`,
    ].join('\n'),
  };
}
