// calendarSync on the time-skipping server, with the real activities against the real database
// and a Calendar whose answers the test controls: the push channel renewed a day before it
// expires (the old one stopped), a pass per push and on the fallback timer from the stored sync
// token, and a 410 answered by a full resync from a bounded past, after which the new token is kept.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DatabasePool } from 'slonik';
import { createCalendarSyncActivities, type SyncCalendar } from '../../src/activities/calendar-sync';
import { BOOKING_CALENDAR_ID } from '../../src/db/bookings';
import { ensureCalendarSync, findCalendarSync } from '../../src/db/calendar-sync';
import { withTenant, tenantTransactions } from '../../src/db/tenant-transaction';
import { calendarSyncWorkflowId } from '../../src/domain/workflow-ids';
import { createLogger } from '../../src/observability/logger';
import { calendarSync } from '../../src/workflows/calendar-sync';
import {
  calendarChangedSignal,
  calendarSyncStatusQuery,
  type CalendarSyncInput,
} from '../../src/workflows/calendar-sync.contract';
import { createAppPool, createTenant } from '../helpers/db';
import { testConfig } from '../helpers/config';
import { recordHistory } from '../helpers/history-fixtures';
import { createTestWorker, createTimeSkippingEnv } from '../helpers/temporal';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const logger = createLogger({ name: 'test', level: 'silent', pretty: false });

let env: TestWorkflowEnvironment;
let pool: DatabasePool;

interface Seen {
  watches: { channelId: string; at: number }[];
  stops: string[];
  lists: { syncToken?: string; timeMin?: string; at: number }[];
}

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  pool = await createAppPool();
});

afterAll(async () => {
  await env?.teardown();
  await pool?.end();
});

it('renews the channel a day before it expires, passes on each push and on the fallback, and resyncs in full after a 410', async () => {
  const tenantId = await createTenant(pool, 'Sync Spa');
  const row = await withTenant(pool, tenantId, (db) => ensureCalendarSync(db, tenantId, BOOKING_CALENDAR_ID));
  const seen: Seen = { watches: [], stops: [], lists: [] };
  let tokens = 0;
  let expireTokens = false;
  const calendar: SyncCalendar = {
    // Channels last three days: renewed after two.
    watchEvents: async (_calendarId, input) => {
      const at = await env.currentTimeMs();
      seen.watches.push({ channelId: input.channelId, at });
      return { channelId: input.channelId, resourceId: 'resource-1', expiresAt: new Date(at + 3 * DAY) };
    },
    stopChannel: async ({ channelId }) => {
      seen.stops.push(channelId);
      return { stopped: true };
    },
    listChanges: async (_calendarId, input) => {
      seen.lists.push({
        ...(input.syncToken ? { syncToken: input.syncToken } : {}),
        ...(input.timeMin ? { timeMin: input.timeMin.toISOString() } : {}),
        at: await env.currentTimeMs(),
      });
      if (input.syncToken && expireTokens) {
        expireTokens = false;
        return { kind: 'full_sync_required' };
      }
      tokens += 1;
      return { kind: 'changes', events: [], nextPageToken: null, nextSyncToken: `token-${tokens}` };
    },
    updateEvent: async () => {
      throw new Error('no booking event changes in this test');
    },
  };
  const activities = createCalendarSyncActivities({
    config: testConfig(),
    tx: tenantTransactions(pool),
    logger,
    webhookUrl: 'http://localhost:3000/api/calendar/webhook',
    calendarFor: async () => calendar,
  });
  const taskQueue = `calendar-sync-${randomUUID()}`;
  const worker = await createTestWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../src/workflows'),
    activities,
  });
  const input: CalendarSyncInput = {
    tenantId,
    calendarSyncId: row.id,
    fallbackIntervalMs: 6 * HOUR,
    renewBeforeMs: DAY,
  };
  const workflowId = calendarSyncWorkflowId(tenantId, row.id);
  const started = await env.currentTimeMs();

  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(calendarSync, { workflowId, taskQueue, args: [input] });
    await env.sleep(HOUR);
    // The first pass was a full list (no token yet) from 30 days back.
    expect(seen.watches).toHaveLength(1);
    expect(seen.lists).toHaveLength(1);
    expect(seen.lists[0]!.syncToken).toBeUndefined();
    expect(Math.abs(seen.lists[0]!.at - 30 * DAY - Date.parse(seen.lists[0]!.timeMin!))).toBeLessThan(2 * HOUR);
    expect((await withTenant(pool, tenantId, (db) => findCalendarSync(db, row.id)))?.syncToken).toBe('token-1');

    // A push: one incremental pass from the stored token.
    await handle.signal(calendarChangedSignal);
    await env.sleep(60_000);
    expect(seen.lists.at(-1)).toMatchObject({ syncToken: 'token-1' });

    // Google says the token is too old: the same pass lists everything again and keeps the new token.
    expireTokens = true;
    await handle.signal(calendarChangedSignal);
    await env.sleep(60_000);
    expect(seen.lists.slice(-2).map((l) => (l.syncToken ? 'incremental' : 'full'))).toEqual(['incremental', 'full']);
    const status = await handle.query(calendarSyncStatusQuery);
    expect(status.lastPass).toMatchObject({ trigger: 'notification', fullSync: true });

    // Two days in, a day before the channel expires: a new channel, and the old one stopped.
    await env.sleep(2 * DAY);
    expect(seen.watches).toHaveLength(2);
    expect(seen.watches[1]!.at - started).toBeGreaterThanOrEqual(2 * DAY);
    expect(seen.watches[1]!.at - started).toBeLessThan(2 * DAY + HOUR);
    expect(seen.stops).toEqual([seen.watches[0]!.channelId]);
    const stored = await withTenant(pool, tenantId, (db) => findCalendarSync(db, row.id));
    expect(stored).toMatchObject({
      channelId: seen.watches[1]!.channelId,
      previousChannelId: null,
      resourceId: 'resource-1',
    });

    // No pushes: the fallback timer still passes, every six hours.
    const fallbackPasses = seen.lists.filter((l) => l.at > started + HOUR + 2 * 60_000).length;
    expect(fallbackPasses).toBeGreaterThanOrEqual(7);
    await recordHistory('calendarSync--renewals-pushes-resync', handle);
    await handle.terminate('test over');
  });
});
