// Every workflow the worker registers; the bundle's entry point.
export { emailDelivery } from './email-delivery';
export { paymentReminder } from './payment-reminder';
export { booking } from './booking';
export { probe } from './probe';
export { mailboxSync } from './mailbox-sync';
export { mailboxWatch } from './mailbox-watch';
export { guardian } from './guardian';
export { smsDelivery } from './sms-delivery';
export { calendarPing } from './calendar-ping';
export { calendarFreeBusy } from './calendar-free-busy';
export { calendarSync } from './calendar-sync';
// The long-running form before housekeeping became a Schedule: kept so a run that a deploy finds
// still going (the worker's boot cancels it) and its saved histories still replay.
export { housekeeping } from './housekeeping';
export { housekeepingPass } from './housekeeping-pass';
export { replyAgent } from './reply-agent';
export { stripeEvent } from './stripe-event';
export { stripeInbox } from './stripe-inbox';
export { overdueDigestPass } from './overdue-digest-pass';
