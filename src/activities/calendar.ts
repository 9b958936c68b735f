// Google Calendar, reached through the tenant's connected Google account. For now one call: a
// ping that lists at most one upcoming event of the primary calendar, so an operator (GET
// /api/calendar/ping) learns whether the Calendar API answers for this business.
import type { DatabasePool } from 'slonik';
import type { Config } from '../config';
import { createCalendar } from '../providers/google/calendar';
import { tenantGoogleGrant } from './tenant-mailbox';
import { asTemporalFailure } from './temporal-failure';

export function createCalendarActivities(deps: { config: Config; pool: DatabasePool }) {
  return {
    async pingCalendar(input: { tenantId: string }): Promise<{ calendarId: string }> {
      try {
        const grant = await tenantGoogleGrant(deps.config, deps.pool, input.tenantId, 'calendar');
        // A ping that hangs is cut off well inside the activity's timeout.
        const calendar = createCalendar(deps.config, { refreshToken: grant.refreshToken, timeoutMs: 10_000 });
        const now = new Date();
        await calendar.listEvents('primary', { timeMin: now, timeMax: new Date(now.getTime() + 24 * 3600_000), maxResults: 1 });
        // The primary calendar's id is the account's address.
        return { calendarId: grant.address };
      } catch (err) {
        return asTemporalFailure(err);
      }
    },
  };
}
