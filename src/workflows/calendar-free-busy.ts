// One freebusy.query run by a worker, for GET /api/calendar/availability (the API calls no
// provider itself). Short-lived like calendarPing: two quick tries, then the API answers 503.
import { proxyActivities } from '@temporalio/workflow';
import type { createCalendarActivities } from '../activities/calendar';
import type { CalendarFreeBusyInput, CalendarFreeBusyResult } from './calendar-free-busy.contract';

const { calendarBusyTimes } = proxyActivities<ReturnType<typeof createCalendarActivities>>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 2 },
});

export async function calendarFreeBusy(input: CalendarFreeBusyInput): Promise<CalendarFreeBusyResult> {
  return calendarBusyTimes(input);
}
