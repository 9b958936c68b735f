// The calendarPing contract: one tenant in, the calendar that answered out. No signals or queries:
// the run lasts one Calendar call.

export interface CalendarPingInput {
  tenantId: string;
}

export interface CalendarPingResult {
  status: 'ok';
  calendarId: string;
}
