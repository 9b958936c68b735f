// stripeInbox on the time-skipping server, with the stripeEvent runs it starts and their real
// activity on Postgres: each event id gets one run however often it arrives, in one inbox run or
// after the inbox closed and started again; the inbox closes after an hour without events and
// continues as new, pending events and counts carried, every EVENTS_PER_RUN events. The runs'
// histories are saved (RECORD_HISTORIES=1) for the replay test.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { DatabasePool } from 'slonik';
import { createStripeEventActivities } from '../../src/activities/stripe-events';
import { tenantTransactions } from '../../src/db/tenant-transaction';
import { DEFAULT_EMAIL_RETRY } from '../../src/domain/email';
import type { StripeEventFacts } from '../../src/domain/stripe-event';
import { stripeEventWorkflowId, stripeInboxWorkflowId } from '../../src/domain/workflow-ids';
import { type stripeEvent } from '../../src/workflows/stripe-event';
import { EVENTS_PER_RUN, IDLE_CLOSE_MS, stripeInbox } from '../../src/workflows/stripe-inbox';
import { stripeEventReceivedSignal, stripeInboxStatusQuery } from '../../src/workflows/stripe-inbox.contract';
import { createAppPool, createTenant } from '../helpers/db';
import { eventually } from '../helpers/eventually';
import { recordHistory } from '../helpers/history-fixtures';
import { createTestWorker, createTimeSkippingEnv } from '../helpers/temporal';

const taskQueue = 'stripe-inbox';
let env: TestWorkflowEnvironment;
let pool: DatabasePool;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  pool = await createAppPool();
  worker = await createTestWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../src/workflows'),
    activities: createStripeEventActivities({ tx: tenantTransactions(pool) }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await pool?.end();
});

/** An event that changes no invoice: its run claims the id and records it as ignored. */
function ignoredEvent(tenantId: string): StripeEventFacts {
  return {
    eventId: `evt_${randomUUID().replace(/-/g, '')}`,
    type: 'customer.created',
    tenantId,
    invoiceId: null,
    paymentIntentId: null,
    effect: { kind: 'none' },
  };
}

/** What the webhook does: signal-with-start to the tenant's inbox. */
function deliver(tenantId: string, event: StripeEventFacts) {
  return env.client.workflow.signalWithStart(stripeInbox, {
    workflowId: stripeInboxWorkflowId(tenantId),
    taskQueue,
    args: [{ tenantId, emailRetry: DEFAULT_EMAIL_RETRY }],
    signal: stripeEventReceivedSignal,
    signalArgs: [event],
  });
}

const status = (tenantId: string) =>
  env.client.workflow.getHandle(stripeInboxWorkflowId(tenantId)).query(stripeInboxStatusQuery);

async function settled(tenantId: string, expected: { handedOn: number; duplicates: number }) {
  return eventually(
    async () => {
      const now = await status(tenantId);
      return now.pending === 0 && now.handedOn + now.duplicates >= expected.handedOn + expected.duplicates
        ? now
        : undefined;
    },
    30_000,
    'the inbox handing every event on',
  );
}

const eventResult = (tenantId: string, eventId: string) =>
  env.client.workflow.getHandle<typeof stripeEvent>(stripeEventWorkflowId(tenantId, eventId)).result();

it('gives each event its own run and drops the copies', async () => {
  const tenantId = await createTenant(pool, 'Inbox Osteopathy');
  const [a, b, c] = [ignoredEvent(tenantId), ignoredEvent(tenantId), ignoredEvent(tenantId)];
  for (const event of [a, b, a, c, a]) await deliver(tenantId, event);

  expect(await settled(tenantId, { handedOn: 3, duplicates: 2 })).toEqual({ pending: 0, handedOn: 3, duplicates: 2 });
  for (const event of [a, b, c]) {
    expect(await eventResult(tenantId, event.eventId)).toMatchObject({ outcome: 'ignored' });
  }
  await recordHistory('stripeInbox--copies-dropped', env.client.workflow.getHandle(stripeInboxWorkflowId(tenantId)));
});

it('closes after an hour without events; a redelivery then starts it again and makes no second run', async () => {
  const tenantId = await createTenant(pool, 'Inbox Podiatry');
  const event = ignoredEvent(tenantId);
  await deliver(tenantId, event);
  await settled(tenantId, { handedOn: 1, duplicates: 0 });
  expect(await eventResult(tenantId, event.eventId)).toMatchObject({ outcome: 'ignored' });

  const inbox = env.client.workflow.getHandle(stripeInboxWorkflowId(tenantId));
  const firstRun = (await inbox.describe()).runId;
  await env.sleep(IDLE_CLOSE_MS + 60_000);
  expect(await env.client.workflow.getHandle(stripeInboxWorkflowId(tenantId), firstRun).result()).toEqual({
    handedOn: 1,
    duplicates: 0,
  });
  await recordHistory(
    'stripeInbox--idle-closed',
    env.client.workflow.getHandle(stripeInboxWorkflowId(tenantId), firstRun),
  );

  // Stripe delivers the event again: a new inbox run, which Temporal refuses a second run of the event.
  await deliver(tenantId, event);
  expect((await inbox.describe()).runId).not.toBe(firstRun);
  expect(await settled(tenantId, { handedOn: 0, duplicates: 1 })).toEqual({ pending: 0, handedOn: 0, duplicates: 1 });
});

it(`continues as new after ${EVENTS_PER_RUN} events, carrying its counts`, async () => {
  const tenantId = await createTenant(pool, 'Inbox Chiropractic');
  const events = Array.from({ length: EVENTS_PER_RUN + 5 }, () => ignoredEvent(tenantId));
  for (const event of events) await deliver(tenantId, event);
  expect(await settled(tenantId, { handedOn: events.length, duplicates: 0 })).toEqual({
    pending: 0,
    handedOn: events.length,
    duplicates: 0,
  });
  const inbox = env.client.workflow.getHandle(stripeInboxWorkflowId(tenantId));
  const history = await inbox.fetchHistory();
  // The run the id now names started as a continuation of the first.
  expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBeTruthy();
  expect(await eventResult(tenantId, events.at(-1)!.eventId)).toMatchObject({ outcome: 'ignored' });
});
