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
export { housekeeping } from './housekeeping';
