// One Calendar API call run by a worker, for GET /api/calendar/ping (the API calls no provider
// itself). Short-lived: two quick tries, then the API answers 503 with the reason.
import { proxyActivities } from '@temporalio/workflow';
import type { createCalendarActivities } from '../activities/calendar';
import type { CalendarPingInput, CalendarPingResult } from './calendar-ping.contract';

const { pingCalendar } = proxyActivities<ReturnType<typeof createCalendarActivities>>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 2 },
});

export async function calendarPing(input: CalendarPingInput): Promise<CalendarPingResult> {
  const { calendarId } = await pingCalendar({ tenantId: input.tenantId });
  return { status: 'ok', calendarId };
}
