// emailDelivery's retry budget, on the time-skipping server: a mailbox that never recovers is
// retried with backoff for 24 hours of workflow time, then the email is failed, in seconds.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DatabasePool } from 'slonik';
import { createEmailDeliveryActivities, type OutgoingMailbox } from '../../src/activities/email-delivery';
import { findEmail } from '../../src/db/emails';
import { withTenant, tenantTransactions } from '../../src/db/tenant-transaction';
import { backoffAfterAttempt, DEFAULT_EMAIL_RETRY } from '../../src/domain/email';
import { UpstreamError } from '../../src/errors';
import { createLogger } from '../../src/observability/logger';
import { emailDelivery } from '../../src/workflows/email-delivery';
import { createAppPool, createTenant } from '../helpers/db';
import { createQueuedEmail } from '../helpers/emails';
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

it('retries with exponential backoff for the whole 24 h budget, then marks the email failed', async () => {
  const sendTimes: number[] = [];
  const unavailable: OutgoingMailbox = {
    address: 'salon@example.com',
    gmail: {
      send: async () => {
        // The test server's (skipped) clock, not the wall clock.
        sendTimes.push(await env.currentTimeMs());
        throw new UpstreamError('Gmail answered 503', {
          provider: 'gmail',
          code: 'unavailable',
          retryable: true,
          httpStatus: 503,
        });
      },
      findByMessageId: async () => null,
    },
  };
  const worker = await createTestWorker({
    connection: env.nativeConnection,
    taskQueue: 'email-budget',
    workflowsPath: require.resolve('../../src/workflows'),
    activities: createEmailDeliveryActivities({
      tx: tenantTransactions(pool),
      logger: createLogger({ name: 'test', level: 'silent', pretty: false }),
      mailboxFor: async () => unavailable,
      guardHolds: async () => true,
      onReauthRequired: async () => undefined,
    }),
  });
  const email = await createQueuedEmail(pool, tenantId);

  const result = await worker.runUntil(
    env.client.workflow.execute(emailDelivery, {
      workflowId: email.workflowId,
      taskQueue: 'email-budget',
      args: [{ tenantId, emailId: email.id, retry: DEFAULT_EMAIL_RETRY }],
    }),
  );

  expect(result).toMatchObject({ status: 'failed', error: expect.stringMatching(/retry budget/) });
  await recordHistory('emailDelivery--budget-spent', env.client.workflow.getHandle(email.workflowId));
  const row = await withTenant(pool, tenantId, (db) => findEmail(db, email.id));
  expect(row?.status).toBe('failed');
  expect(row?.lastError).toMatch(/retry budget.*unavailable: Gmail answered 503/);

  // Attempts follow 30 s, 60 s, 120 s … capped at 1 h, for as long as they start within 24 h.
  let expected = 1;
  for (let at = 0; ; expected++) {
    at += backoffAfterAttempt(DEFAULT_EMAIL_RETRY, expected);
    if (at >= DEFAULT_EMAIL_RETRY.budgetMs) break;
  }
  expect(row?.attempts).toBe(sendTimes.length);
  expect(Math.abs(sendTimes.length - expected)).toBeLessThanOrEqual(1);
  const gaps = sendTimes.slice(1).map((t, i) => t - sendTimes[i]!);
  // Each pause at least the backoff for that attempt (the server's clock skips, it never shortens).
  gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(backoffAfterAttempt(DEFAULT_EMAIL_RETRY, i + 1) - 1_000));
  expect(sendTimes[sendTimes.length - 1]! - sendTimes[0]!).toBeLessThanOrEqual(DEFAULT_EMAIL_RETRY.budgetMs);
  expect(sendTimes[sendTimes.length - 1]! - sendTimes[0]!).toBeGreaterThan(
    DEFAULT_EMAIL_RETRY.budgetMs - 2 * 3_600_000,
  );
});
