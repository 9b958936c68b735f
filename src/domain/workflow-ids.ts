// Every workflow id, built and read here only. A tenant's workflow id is
// `<kind>:<tenant id>[:<business id>]`:
// - derived from business ids, so a second start for the same email or invoice is refused by
//   Temporal instead of running twice, and a webhook finds its workflow without a lookup;
// - naming its tenant, so the payload codec binds each payload to that tenant from the id alone
//   (before any search attribute or row is at hand) and the workflow routes refuse another
//   tenant's id before asking Temporal;
// - made of ids only, never an address or a name: Temporal keeps workflow ids in clear.
// Pure, so workflow code imports it to name its children.

export const emailWorkflowId = (tenantId: string, emailId: string) => `email:${tenantId}:${emailId}`;
export const smsWorkflowId = (tenantId: string, smsId: string) => `sms:${tenantId}:${smsId}`;
export const invoiceWorkflowId = (tenantId: string, invoiceId: string) => `invoice:${tenantId}:${invoiceId}`;
/** One per tenant, for as long as the tenant exists. */
export const guardianWorkflowId = (tenantId: string) => `guardian:${tenantId}`;
export const mailboxSyncWorkflowId = (tenantId: string, mailboxId: string) => `mailbox:${tenantId}:${mailboxId}`;
export const mailboxWatchWorkflowId = (tenantId: string, mailboxId: string) => `mailbox-watch:${tenantId}:${mailboxId}`;
/** A fresh id per ping: each GET /api/calendar/ping is its own short run. */
export const calendarPingWorkflowId = (tenantId: string, pingId: string) => `calendar-ping:${tenantId}:${pingId}`;
/** A fresh id per question: each availability request asks Calendar's free/busy in its own short run. */
export const calendarFreeBusyWorkflowId = (tenantId: string, queryId: string) =>
  `calendar-freebusy:${tenantId}:${queryId}`;
export const probeWorkflowId = (tenantId: string, probeId: string) => `probe:${tenantId}:${probeId}`;

/** A client's booking, from request to after the appointment. */
export const bookingWorkflowId = (tenantId: string, bookingId: string) => `booking:${tenantId}:${bookingId}`;
/** Keeps one calendar the business books into (its calendar_sync row) in step, as mailbox sync does its mail. */
export const calendarSyncWorkflowId = (tenantId: string, calendarSyncId: string) =>
  `calendar-sync:${tenantId}:${calendarSyncId}`;

/** A tenant's Stripe inbox: the webhook signals every verified event to it (signal-with-start). */
export const stripeInboxWorkflowId = (tenantId: string) => `stripe-inbox:${tenantId}`;
/**
 * One verified Stripe event, applied once: the inbox starts it and a redelivery of the same
 * event id is refused by Temporal (the stripe_events row dedupes beyond Temporal's retention).
 * Stripe's event ids are `evt_` and letters and digits, no colon.
 */
export const stripeEventWorkflowId = (tenantId: string, stripeEventId: string) =>
  `stripe-event:${tenantId}:${stripeEventId}`;

// Reserved for the workflows being built next, so they start in this shape.
/** The assistant working one email thread. */
export const agentWorkflowId = (tenantId: string, threadId: string) => `agent:${tenantId}:${threadId}`;

/** Platform-wide: belongs to no tenant. The Temporal Schedule that starts a housekeeping pass each interval. */
export const HOUSEKEEPING_SCHEDULE_ID = 'housekeeping';
/**
 * The id each scheduled pass is started with (Temporal appends the scheduled time:
 * `housekeeping-pass-2026-05-01T10:00:00Z`), no tenant's.
 */
export const HOUSEKEEPING_PASS_WORKFLOW_ID = 'housekeeping-pass';
/** Platform-wide: the Temporal Schedule that starts an overdue digest pass every hour. */
export const OVERDUE_DIGEST_SCHEDULE_ID = 'overdue-digest';
/** The id each scheduled digest pass is started with (Temporal appends the scheduled time), no tenant's. */
export const OVERDUE_DIGEST_PASS_WORKFLOW_ID = 'overdue-digest-pass';
/** The long-running housekeeping workflow that came before the Schedule; a running one is cancelled at boot. */
export const LEGACY_HOUSEKEEPING_WORKFLOW_ID = 'housekeeping';

const TENANT_WORKFLOW_ID = /^[a-z][a-z0-9-]*:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?::|$)/;

/** The tenant a workflow id names; null for a platform workflow or an id of any other shape. */
export function tenantOfWorkflowId(workflowId: string): string | null {
  return TENANT_WORKFLOW_ID.exec(workflowId)?.[1] ?? null;
}
