// Google Calendar, reached through the tenant's connected Google account, for the short
// workflows the API waits on: a ping that lists at most one upcoming event of the primary
// calendar (GET /api/calendar/ping), and the busy periods availability subtracts.
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
        await calendar.listEvents('primary', {
          timeMin: now,
          timeMax: new Date(now.getTime() + 24 * 3600_000),
          maxResults: 1,
        });
        // The primary calendar's id is the account's address.
        return { calendarId: grant.address };
      } catch (err) {
        return asTemporalFailure(err);
      }
    },

    /** freebusy.query on the primary calendar: every period an event (ours or the owner's) blocks. */
    async calendarBusyTimes(input: {
      tenantId: string;
      from: string;
      to: string;
    }): Promise<{ calendarId: string; busy: { start: string; end: string }[] }> {
      try {
        const grant = await tenantGoogleGrant(deps.config, deps.pool, input.tenantId, 'calendar');
        const calendar = createCalendar(deps.config, { refreshToken: grant.refreshToken, timeoutMs: 10_000 });
        const periods = await calendar.freeBusy({
          timeMin: new Date(input.from),
          timeMax: new Date(input.to),
          calendarIds: ['primary'],
        });
        return {
          calendarId: grant.address,
          busy: (periods.primary ?? []).map((b) => ({ start: b.start.toISOString(), end: b.end.toISOString() })),
        };
      } catch (err) {
        return asTemporalFailure(err);
      }
    },
  };
}
