// smsDelivery on the time-skipping server, with the real activities on Postgres and a fake of the
// narrow Sms interface: a Twilio that never recovers is retried for the whole budget, then the
// text is failed; a lost answer is found by the next attempt instead of being sent twice.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DatabasePool } from 'slonik';
import { createSmsDeliveryActivities } from '../../src/activities/sms-delivery';
import { insertClient, updateClient } from '../../src/db/clients';
import { findSms, insertOutboundSms } from '../../src/db/sms-messages';
import { withTenant, tenantTransactions } from '../../src/db/tenant-transaction';
import { DEFAULT_EMAIL_RETRY } from '../../src/domain/email';
import { UpstreamError } from '../../src/errors';
import { createLogger } from '../../src/observability/logger';
import type { SentSms, Sms } from '../../src/providers/twilio';
import { smsDelivery } from '../../src/workflows/sms-delivery';
import { createAppPool, createTenant } from '../helpers/db';
import { recordHistory } from '../helpers/history-fixtures';
import { createTimeSkippingEnv, createTestWorker } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let pool: DatabasePool;
let tenantId: string;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  pool = await createAppPool();
  tenantId = await createTenant(pool);
});

afterAll(async () => {
  await env?.teardown();
  await pool?.end();
});

async function queuedText(clientId: string | null = null, to = '+14155550100') {
  const id = randomUUID();
  const workflowId = `sms:${tenantId}:${id}`;
  await withTenant(pool, tenantId, (db) =>
    insertOutboundSms(db, { id, tenantId, clientId, to, body: `text ${id}`, workflowId }),
  );
  return { id, workflowId };
}

async function consentingClient() {
  const phone = `+1415555${String(1000 + Math.floor(Math.random() * 8999))}`;
  const client = await withTenant(pool, tenantId, (db) =>
    insertClient(db, tenantId, {
      name: 'Sam',
      email: null,
      phone,
      timezone: null,
      notes: null,
      smsConsent: { granted: true, source: 'test' },
    }),
  );
  return client;
}

const withdraw = (clientId: string) =>
  withTenant(pool, tenantId, (db) =>
    updateClient(db, clientId, { smsConsent: { granted: false, source: 'sms:STOP' } }),
  );

async function run(
  taskQueue: string,
  sms: Pick<Sms, 'send' | 'findSent'>,
  fixture: string | null,
  text?: { id: string; workflowId: string },
) {
  const worker = await createTestWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../src/workflows'),
    activities: createSmsDeliveryActivities({
      tx: tenantTransactions(pool),
      logger: createLogger({ name: 'test', level: 'silent', pretty: false }),
      sms: () => sms,
      publicBaseUrl: 'https://api.example.com',
    }),
  });
  const queued = text ?? (await queuedText());
  const result = await worker.runUntil(
    env.client.workflow.execute(smsDelivery, {
      workflowId: queued.workflowId,
      taskQueue,
      args: [{ tenantId, smsId: queued.id, retry: DEFAULT_EMAIL_RETRY }],
    }),
  );
  if (fixture) await recordHistory(fixture, env.client.workflow.getHandle(queued.workflowId));
  const row = await withTenant(pool, tenantId, (db) => findSms(db, queued.id));
  return { result, row };
}

it('retries a Twilio that keeps failing for the whole budget, then marks the text failed', async () => {
  let sends = 0;
  const down: Pick<Sms, 'send' | 'findSent'> = {
    send: async () => {
      sends += 1;
      throw new UpstreamError('Twilio answered 429', {
        provider: 'twilio',
        code: 'rate_limited',
        retryable: true,
        httpStatus: 429,
      });
    },
    findSent: async () => null,
  };
  const startedAt = await env.currentTimeMs();
  const { result, row } = await run('sms-budget', down, 'smsDelivery--budget-spent');
  expect(result).toMatchObject({ status: 'failed', error: expect.stringMatching(/retry budget/) });
  expect(row).toMatchObject({
    status: 'failed',
    attempts: sends,
    lastError: expect.stringMatching(/retry budget.*Twilio answered 429/),
  });
  // Backoff from 30 s doubling to 1 h between tries: far fewer tries than minutes in 24 h.
  expect(sends).toBeGreaterThan(20);
  expect(sends).toBeLessThan(40);
  expect((await env.currentTimeMs()) - startedAt).toBeGreaterThanOrEqual(DEFAULT_EMAIL_RETRY.budgetMs - 60 * 60_000);
});

it('a lost answer is retried, and the retry finds the text in Twilio instead of sending it again', async () => {
  const created: SentSms[] = [];
  const twilio: Pick<Sms, 'send' | 'findSent'> = {
    send: async ({ to }) => {
      const sms = { sid: `SM${created.length + 1}`, status: 'queued', to, from: '+15005550006' };
      created.push(sms);
      // Twilio took it; the answer never came back.
      throw new UpstreamError('Twilio answered 502', {
        provider: 'twilio',
        code: 'maybe_sent',
        retryable: false,
        ambiguous: true,
        httpStatus: 502,
      });
    },
    findSent: async () => created[0] ?? null,
  };
  const { result, row } = await run('sms-maybe-sent', twilio, 'smsDelivery--recovered');
  expect(created).toHaveLength(1);
  expect(result).toMatchObject({ status: 'sent', twilioSid: 'SM1', recovered: true });
  expect(row).toMatchObject({ status: 'sent', attempts: 2, twilioSid: 'SM1', lastError: null });
});

it('a permanent error fails the text after one attempt', async () => {
  let sends = 0;
  const landline: Pick<Sms, 'send' | 'findSent'> = {
    send: async () => {
      sends += 1;
      throw new UpstreamError('21614 not a mobile number', {
        provider: 'twilio',
        code: 'not_mobile_number',
        retryable: false,
        httpStatus: 400,
      });
    },
    findSent: async () => null,
  };
  const { result, row } = await run('sms-permanent', landline, 'smsDelivery--permanent');
  expect(sends).toBe(1);
  expect(result).toMatchObject({ status: 'failed', error: expect.stringContaining('not_mobile_number') });
  expect(row).toMatchObject({ status: 'failed', attempts: 1 });
});

it('consent withdrawn while the text waits for a retry: not sent, the text cancelled', async () => {
  const client = await consentingClient();
  let sends = 0;
  const flaky: Pick<Sms, 'send' | 'findSent'> = {
    send: async () => {
      sends += 1;
      await withdraw(client.id); // the client texts STOP between the two tries
      throw new UpstreamError('Twilio answered 429', {
        provider: 'twilio',
        code: 'rate_limited',
        retryable: true,
        httpStatus: 429,
      });
    },
    findSent: async () => null,
  };
  const { result, row } = await run(
    'sms-consent-withdrawn',
    flaky,
    null,
    await queuedText(client.id, client.phone as string),
  );
  expect(sends).toBe(1);
  expect(result).toMatchObject({ status: 'cancelled' });
  expect(row).toMatchObject({
    status: 'cancelled',
    attempts: 2,
    lastError: expect.stringContaining('no longer consents'),
  });
});

it('consent withdrawn after a lost answer: the text that did go out is recorded sent, not cancelled', async () => {
  const client = await consentingClient();
  const created: SentSms[] = [];
  const lost: Pick<Sms, 'send' | 'findSent'> = {
    send: async ({ to }) => {
      created.push({ sid: 'SMlost', status: 'queued', to, from: '+15005550006' });
      await withdraw(client.id);
      throw new UpstreamError('Twilio answered 502', {
        provider: 'twilio',
        code: 'maybe_sent',
        retryable: false,
        ambiguous: true,
        httpStatus: 502,
      });
    },
    findSent: async () => created[0] ?? null,
  };
  const { result, row } = await run(
    'sms-consent-after-lost',
    lost,
    null,
    await queuedText(client.id, client.phone as string),
  );
  expect(created).toHaveLength(1);
  expect(result).toMatchObject({ status: 'sent', twilioSid: 'SMlost', recovered: true });
  expect(row).toMatchObject({ status: 'sent', twilioSid: 'SMlost', from: '+15005550006' });
});
