// The providers' webhooks, in one place. Each reads its own raw body (signed bytes or a signed
// form), is verified by its signature rather than limited per IP (a provider sends every
// business's traffic from a few addresses), and is counted by outcome under this provider name.
export const WEBHOOKS: Readonly<Record<string, string>> = {
  '/api/stripe/webhook': 'stripe',
  '/api/gmail/webhook': 'gmail',
  '/api/sms/webhook': 'twilio_inbound',
  '/api/sms/status': 'twilio_status',
  '/api/calendar/webhook': 'calendar',
};

export const WEBHOOK_PATHS = Object.keys(WEBHOOKS);
