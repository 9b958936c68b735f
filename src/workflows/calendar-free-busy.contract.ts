// The calendarFreeBusy contract: a tenant and a time range in, the busy periods of the tenant's
// Google calendar out (ISO instants). No signals or queries: the run lasts one Calendar call.

export interface CalendarFreeBusyInput {
  tenantId: string;
  /** ISO instants, from < to. */
  from: string;
  to: string;
}

export interface CalendarFreeBusyResult {
  calendarId: string;
  busy: { start: string; end: string }[];
}
