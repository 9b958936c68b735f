// SMS rules that do not depend on Twilio's SDK or the database: the statuses a text moves
// through, how Twilio's delivery statuses map onto them, and the consent keywords carriers and
// Twilio honour. (Callbacks arrive out of order: src/db/sms-messages.ts moves a status only forward.)

export const SMS_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'received'] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];

/** Where a delivery status callback may move an outbound text. */
export type SmsDeliveryStatus = 'sent' | 'delivered' | 'undelivered' | 'failed';

/**
 * Twilio's MessageStatus values that tell us something new. queued/accepted/scheduled/sending
 * say nothing our own row does not already know; `read` (WhatsApp, RCS) implies delivered.
 */
export function deliveryStatusOf(twilioStatus: string): SmsDeliveryStatus | null {
  switch (twilioStatus.toLowerCase()) {
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
      return 'undelivered';
    case 'failed':
      return 'failed';
    default:
      return null;
  }
}

export type SmsKeyword = 'stop' | 'start' | 'help';

// Twilio's default opt-out, opt-in and help keywords (Advanced Opt-Out), matched on the whole
// message, case-insensitive, as Twilio does.
const KEYWORDS: Record<string, SmsKeyword> = {
  STOP: 'stop',
  STOPALL: 'stop',
  'STOP ALL': 'stop',
  UNSUBSCRIBE: 'stop',
  CANCEL: 'stop',
  END: 'stop',
  QUIT: 'stop',
  OPTOUT: 'stop',
  REVOKE: 'stop',
  START: 'start',
  YES: 'start',
  UNSTOP: 'start',
  HELP: 'help',
  INFO: 'help',
};

export function smsKeywordOf(body: string): SmsKeyword | null {
  const normalised = body.trim().replace(/[.!]+$/, '').replace(/\s+/g, ' ').toUpperCase();
  return KEYWORDS[normalised] ?? null;
}

/** The consent source recorded on a client when a keyword changes it: sms:STOP, sms:START. */
export const keywordConsentSource = (keyword: 'stop' | 'start') => `sms:${keyword.toUpperCase()}`;

/**
 * The answer to HELP. STOP and START get no answer of ours: Twilio confirms those itself, and
 * nothing may be sent to a number that just opted out.
 */
export const SMS_HELP_REPLY = 'You are receiving texts from a business that uses Frontdesk. Reply STOP to stop receiving them, START to receive them again.';
