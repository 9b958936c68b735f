// SMS rules that do not depend on Twilio's SDK or the database: the statuses a text moves
// through, how Twilio's delivery statuses map onto them, and the consent keywords carriers and
// Twilio honour. (Callbacks arrive out of order: src/db/sms-messages.ts moves a status only forward.)

export const SMS_STATUSES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'cancelled',
  'received',
] as const;
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
  const normalised = body
    .trim()
    .replace(/[.!]+$/, '')
    .replace(/\s+/g, ' ')
    .toUpperCase();
  return KEYWORDS[normalised] ?? null;
}

/** The consent source recorded on a client when a keyword changes it: sms:STOP, sms:START. */
export const keywordConsentSource = (keyword: 'stop' | 'start') => `sms:${keyword.toUpperCase()}`;

/**
 * The answer to HELP. STOP and START get no answer of ours: Twilio confirms those itself, and
 * nothing may be sent to a number that just opted out.
 */
export const SMS_HELP_REPLY =
  'You are receiving texts from a business that uses Frontdesk. Reply STOP to stop receiving them, START to receive them again.';

/**
 * Twilio error codes the business logic acts on (https://www.twilio.com/docs/api/errors); any
 * other 4xx is a permanent rejection. The same codes come back later as the ErrorCode of a
 * status callback for a text that was not delivered.
 */
export const TWILIO_PERMANENT_CODES: Readonly<Record<number, string>> = {
  21610: 'recipient_opted_out', // the recipient replied STOP
  21211: 'invalid_number', // not a valid phone number
  21614: 'not_mobile_number', // valid number, cannot receive SMS
  21635: 'not_mobile_number', // landline number
  30006: 'unreachable_number', // landline or unreachable carrier
  21408: 'region_not_enabled', // geo permission missing for the destination
  21606: 'invalid_sender', // From is not an SMS-capable number of the account
  20003: 'auth_failed',
};

/** What a status callback's ErrorCode means, in the same codes as a failed send. */
export function twilioDeliveryErrorCode(errorCode: number | string): string {
  return TWILIO_PERMANENT_CODES[Number(errorCode)] ?? 'undelivered';
}
