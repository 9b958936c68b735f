// The guardian on the time-skipping server, with the real activities against the real database and
// only the provider calls faked (narrow interfaces): hours of passes run in seconds, and every
// instant is the server's (skipped) clock.
import type { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { createEmailDeliveryActivities, type OutgoingMailbox } from '../../src/activities/email-delivery';
import { createGuardianActivities } from '../../src/activities/guardian-activities';
import type { ProviderProbes } from '../../src/activities/guardian-providers';
import { createMailboxWatchActivities } from '../../src/activities/mailbox-watch';
import { connectMailbox, findMailbox, recordWatch } from '../../src/db/google-accounts';
import { sql } from '../../src/db/sql';
import { withTenant, tenantTransactions } from '../../src/db/tenant-transaction';
import { findThread } from '../../src/db/threads';
import { listUnsafeThreads } from '../../src/db/unsafe-threads';
import { insertUser } from '../../src/db/users';
import { DEFAULT_EMAIL_RETRY } from '../../src/domain/email';
import { UpstreamError } from '../../src/errors';
import { createLogger } from '../../src/observability/logger';
import type { Classification } from '../../src/providers/claude';
import {
  guardianReportQuery,
  guardianRunNowSignal,
  pauseSignal,
  resumeSignal,
  type GuardianInput,
  type GuardianStatus,
} from '../../src/workflows/guardian.contract';
import { guardian } from '../../src/workflows/guardian';
import { testConfig } from '../helpers/config';
import { createAppPool, createTenant, storeClientMail } from '../helpers/db';
import { recordHistory } from '../helpers/history-fixtures';
import { eventually } from '../helpers/sandbox';
import { createTimeSkippingEnv, createTestWorker } from '../helpers/temporal';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const logger = createLogger({ name: 'test', level: 'silent', pretty: false });
const config = testConfig();

let env: TestWorkflowEnvironment;
let pool: DatabasePool;

interface World {
  tenantId: string;
  ownerEmail: string;
  /** Owner alerts and any other mail the guardian's emailDelivery children sent. */
  mail: { to: string; subject: string; at: number }[];
  /** Every message Claude was asked about, with the server time. */
  classified: { text: string; at: number }[];
  watches: { at: number; expiresAt: number }[];
  /** Makes the next classify calls fail. */
  claudeFailures: number;
}

async function newTenant(name: string): Promise<World> {
  const tenantId = await createTenant(pool, name);
  const ownerEmail = `owner-${randomUUID()}@salon.example`;
  await withTenant(pool, tenantId, (db) =>
    insertUser(db, { tenantId, email: ownerEmail, passwordHash: 'x', role: 'owner' }),
  );
  return { tenantId, ownerEmail, mail: [], classified: [], watches: [], claudeFailures: 0 };
}

/** The sandbox's rule in small: a threat is unsafe, anything else safe. */
function verdict(text: string): Classification {
  return /hurt you|know where you live/i.test(text)
    ? { safe: false, category: 'threat', severity: 'medium', reason: 'The sender threatens the staff.' }
    : { safe: true, category: null, severity: 'none', reason: 'An ordinary message.' };
}

async function startWorker(world: World, taskQueue: string): Promise<Worker> {
  const mailbox: OutgoingMailbox = {
    address: 'frontdesk@salon.example',
    gmail: {
      send: async (email) => {
        world.mail.push({ to: String(email.to), subject: email.subject, at: await env.currentTimeMs() });
        return { id: `gm-${randomUUID()}`, threadId: `th-${randomUUID()}`, labelIds: ['SENT'] };
      },
      findByMessageId: async () => null,
    },
  };
  const probes: ProviderProbes = {
    stripe: async () => undefined,
    twilio: async () => undefined,
    claude: async () => undefined,
  };
  const activities = {
    ...createGuardianActivities({
      config,
      pool,
      tx: tenantTransactions(pool),
      logger,
      probes,
      claude: () => ({
        classify: async (message) => {
          world.classified.push({ text: message.text, at: await env.currentTimeMs() });
          if (world.claudeFailures > 0) {
            world.claudeFailures -= 1;
            throw new UpstreamError('anthropic messages.create failed (HTTP 529): overloaded', {
              provider: 'anthropic',
              code: 'overloaded',
              retryable: true,
              httpStatus: 529,
            });
          }
          return verdict(message.text);
        },
      }),
      sms: () => ({
        send: async () => {
          throw new Error('no SMS expected: these findings are medium severity');
        },
        findSent: async () => null,
      }),
    }),
    ...createMailboxWatchActivities({
      tx: tenantTransactions(pool),
      logger,
      topicName: 'projects/test/topics/gmail',
      onReauthRequired: async () => undefined,
      gmailFor: () => ({
        watch: async () => {
          const at = await env.currentTimeMs();
          const expiresAt = at + 7 * 24 * HOUR;
          world.watches.push({ at, expiresAt });
          return { historyId: String(1000 + world.watches.length), expiration: new Date(expiresAt) };
        },
      }),
    }),
    ...createEmailDeliveryActivities({
      tx: tenantTransactions(pool),
      logger,
      mailboxFor: async () => mailbox,
      guardHolds: async () => true,
      onReauthRequired: async () => undefined,
    }),
  };
  return createTestWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../src/workflows'),
    activities,
  });
}

async function startGuardian(
  world: World,
  taskQueue: string,
  options: { intervalMs?: number; passesPerRun?: number } = {},
) {
  const input: GuardianInput = {
    tenantId: world.tenantId,
    intervalMs: options.intervalMs ?? 5 * MINUTE,
    passesPerRun: options.passesPerRun ?? 100,
    emailRetry: DEFAULT_EMAIL_RETRY,
  };
  return env.client.workflow.start(guardian, { workflowId: `guardian:${world.tenantId}`, taskQueue, args: [input] });
}

/**
 * A worker and the tenant's guardian for one test. The guardian is always terminated: one left
 * running without its worker would hold the test server's clock for the tests after it.
 */
async function withGuardian(
  world: World,
  options: { intervalMs?: number; passesPerRun?: number; history: string },
  body: (handle: Awaited<ReturnType<typeof startGuardian>>, startedAt: number) => Promise<void>,
): Promise<void> {
  const taskQueue = `guardian-${randomUUID()}`;
  const worker = await startWorker(world, taskQueue);
  await worker.runUntil(async () => {
    const startedAt = await env.currentTimeMs();
    const handle = await startGuardian(world, taskQueue, options);
    try {
      await body(handle, startedAt);
      // The run as it stands, for the replay test (RECORD_HISTORIES=1).
      await recordHistory(`guardian--${options.history}`, env.client.workflow.getHandle(handle.workflowId));
    } finally {
      await handle.terminate('test over').catch(() => undefined);
    }
  });
}

const status = (handle: WorkflowHandle<typeof guardian>): Promise<GuardianStatus> => handle.query(guardianReportQuery);

/** Stored pass reports, oldest first, with their (server-clock) start times. */
async function storedPasses(tenantId: string) {
  return withTenant(pool, tenantId, (db) =>
    db.any(sql.type(z.object({ pass: z.number(), trigger: z.string(), startedAt: z.date() }))`
      SELECT pass, trigger, started_at AS "startedAt" FROM guardian_reports ORDER BY pass`),
  );
}

/** A message in the tenant's mailbox, as the mailbox sync stores it. */
async function receive(world: World, text: string, gmailThreadId = `t-${randomUUID()}`): Promise<{ threadId: string }> {
  return storeClientMail(pool, world.tenantId, { text, gmailThreadId });
}

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  pool = await createAppPool();
});

afterAll(async () => {
  await env?.teardown();
  await pool?.end();
});

it('runs a pass every interval, on the cadence of the first, and reports every check', async () => {
  const world = await newTenant('Cadence Salon');
  await withGuardian(world, { history: 'scheduled-passes' }, async (handle, started) => {
    const fresh = await status(handle);
    expect(fresh).toMatchObject({ state: 'running', phase: 'waiting', passes: 0, lastRunAt: null, lastReport: null });
    expect(Math.abs(Date.parse(fresh.nextRunAt as string) - (started + 5 * MINUTE))).toBeLessThan(5_000);
    await env.sleep(16 * MINUTE);
    const passes = await storedPasses(world.tenantId);
    expect(passes.map((p) => [p.pass, p.trigger])).toEqual([
      [1, 'schedule'],
      [2, 'schedule'],
      [3, 'schedule'],
    ]);
    passes.forEach((p, i) =>
      expect(Math.abs(p.startedAt.getTime() - (started + (i + 1) * 5 * MINUTE))).toBeLessThan(5_000),
    );

    const now = await status(handle);
    expect(now.passes).toBe(3);
    expect(now.lastReport?.checks.map((c) => c.name)).toEqual([
      'postgres',
      'gmail',
      'stripe',
      'twilio',
      'claude',
      'emails',
      'invoices',
      'workflows',
      'contentSafety',
    ]);
    expect(now.lastReport?.checks.find((c) => c.name === 'postgres')).toMatchObject({ status: 'ok' });
    expect(now.lastReport?.checks.find((c) => c.name === 'gmail')).toEqual({
      name: 'gmail',
      status: 'warn',
      detail: expect.stringContaining('not connected'),
    });
    expect(now.lastReport?.checks.find((c) => c.name === 'claude')).toMatchObject({ status: 'ok' });
    expect(Date.parse(now.nextRunAt as string) - Date.parse(fresh.nextRunAt as string)).toBe(15 * MINUTE);
  });
});

it('stops passes while paused, restarts them on resume, and runs one at once on runNow', async () => {
  const world = await newTenant('Pause Salon');
  await withGuardian(world, { history: 'pause-resume-run-now' }, async (handle) => {
    await handle.signal(pauseSignal);
    expect(await status(handle)).toMatchObject({ state: 'paused', nextRunAt: null });
    await env.sleep(30 * MINUTE);
    expect(await storedPasses(world.tenantId)).toEqual([]);

    // The pass that fell due while paused runs at once; then the schedule goes on.
    await handle.signal(resumeSignal);
    const resumedAt = await env.currentTimeMs();
    const [afterResume] = await eventually(async () => {
      const stored = await storedPasses(world.tenantId);
      return stored.length === 1 ? stored : undefined;
    }, 10_000);
    expect(afterResume!.startedAt.getTime() - resumedAt).toBeLessThan(MINUTE);
    await env.sleep(6 * MINUTE);
    expect((await status(handle)).passes).toBe(2);

    // runNow: a pass at once, the schedule unmoved; it also runs while paused.
    await handle.signal(pauseSignal);
    const scheduled = (await storedPasses(world.tenantId)).length;
    const askedAt = await env.currentTimeMs();
    await handle.signal(guardianRunNowSignal);
    const last = await eventually(async () => {
      const stored = await storedPasses(world.tenantId);
      return stored.length === scheduled + 1 ? stored.at(-1) : undefined;
    }, 10_000);
    expect(last.trigger).toBe('runNow');
    expect(last.startedAt.getTime() - askedAt).toBeLessThan(MINUTE);
    expect((await status(handle)).state).toBe('paused');
  });
});

it('flags a threatening thread once, pauses its auto-replies, and alerts the owner once across continue-as-new', async () => {
  const world = await newTenant('Threat Salon');
  const threat = await receive(world, 'I know where you live and I will hurt you.');
  await receive(world, 'Can I book a haircut on Tuesday?');
  await withGuardian(world, { passesPerRun: 2, history: 'unsafe-thread-alerted-continued' }, async (handle) => {
    const firstRunId = handle.firstExecutionRunId;
    await env.sleep(5 * MINUTE + 10_000);
    const afterFirst = await status(handle);
    expect(afterFirst.passes).toBe(1);
    expect(afterFirst.checkpoint).not.toBeNull();
    expect(afterFirst.lastReport?.flaggedThreads).toEqual([
      expect.objectContaining({ threadId: threat.threadId, category: 'threat', severity: 'medium' }),
    ]);
    expect(world.classified).toHaveLength(2);

    // The second pass ends the run: the next run carries the checkpoint and the alerted finding.
    await env.sleep(5 * MINUTE);
    await eventually(async () => ((await handle.describe()).runId !== firstRunId ? true : undefined), 10_000);
    const carried = await status(handle);
    expect(carried).toMatchObject({ passes: 2, checkpoint: afterFirst.checkpoint });

    // A new message after continue-as-new is screened once; nothing earlier is asked about again.
    await receive(world, 'Do you sell gift vouchers?');
    await env.sleep(15 * MINUTE);
    expect((await status(handle)).passes).toBe(5);
    expect(world.classified.map((c) => c.text)).toEqual([
      'I know where you live and I will hurt you.',
      'Can I book a haircut on Tuesday?',
      'Do you sell gift vouchers?',
    ]);
    await eventually(() => (world.mail.length > 0 ? true : undefined), 10_000);
    expect(world.mail).toEqual([
      { to: world.ownerEmail, subject: 'Guardian: a threat in "About my appointment"', at: expect.any(Number) },
    ]);

    const findings = await withTenant(pool, world.tenantId, (db) => listUnsafeThreads(db, { limit: 10 }));
    expect(findings).toEqual([
      expect.objectContaining({
        threadId: threat.threadId,
        category: 'threat',
        status: 'open',
        alertEmailId: expect.any(String),
        alertedAt: expect.any(Date),
      }),
    ]);
    const thread = await withTenant(pool, world.tenantId, (db) => findThread(db, threat.threadId));
    expect(thread).toMatchObject({ unsafe: true, autoReplyPaused: true });
  });
});

it('leaves messages for the next pass while Claude fails, and classifies them when it answers', async () => {
  const world = await newTenant('Outage Salon');
  await receive(world, 'Watch your back, I will hurt you.');
  await receive(world, 'Thanks for the lovely colour!');
  world.claudeFailures = 2;
  await withGuardian(world, { history: 'claude-outage' }, async (handle) => {
    await env.sleep(10 * MINUTE + 10_000);
    const failing = await status(handle);
    expect(failing.passes).toBe(2);
    expect(failing.checkpoint).toBeNull();
    expect(failing.lastReport?.checks.find((c) => c.name === 'contentSafety')).toEqual({
      name: 'contentSafety',
      status: 'fail',
      detail: expect.stringContaining('2 messages wait for the next pass'),
    });
    expect(failing.lastReport?.checks.find((c) => c.name === 'claude')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('overloaded'),
    });

    await env.sleep(5 * MINUTE);
    const answered = await status(handle);
    expect(answered.passes).toBe(3);
    expect(answered.lastReport?.flaggedThreads).toEqual([expect.objectContaining({ category: 'threat' })]);
    expect(answered.lastReport?.checks.find((c) => c.name === 'contentSafety')?.detail).toBe(
      'Screened 2 new messages, 1 unsafe',
    );
    // Two failed calls on the first message, then each message once.
    expect(world.classified.map((c) => c.text)).toEqual([
      'Watch your back, I will hurt you.',
      'Watch your back, I will hurt you.',
      'Watch your back, I will hurt you.',
      'Thanks for the lovely colour!',
    ]);
  });
});

it('renews a Gmail watch that would lapse within 24 hours, before it lapses', async () => {
  const world = await newTenant('Watch Salon');
  const now = await env.currentTimeMs();
  const lapsesAt = now + 30 * HOUR;
  const mailboxId = await withTenant(pool, world.tenantId, async (db) => {
    const mailbox = await connectMailbox(db, {
      tenantId: world.tenantId,
      email: `watch-${randomUUID()}@salon.example`,
      refreshTokenCiphertext: 'sealed',
      scopes: [],
    });
    await recordWatch(db, mailbox.id, { historyId: '900', expiresAt: new Date(lapsesAt) });
    return mailbox.id;
  });
  await withGuardian(world, { intervalMs: HOUR, history: 'watch-renewed' }, async (handle) => {
    await env.sleep(5 * HOUR + 10_000);
    expect(world.watches).toEqual([]);
    expect((await status(handle)).lastReport?.checks.find((c) => c.name === 'gmail')?.status).toBe('ok');

    await env.sleep(3 * HOUR);
    expect(world.watches).toHaveLength(1);
    const renewal = world.watches[0]!;
    expect(lapsesAt - renewal.at).toBeLessThanOrEqual(24 * HOUR);
    expect(lapsesAt - renewal.at).toBeGreaterThan(22 * HOUR);
    const stored = await withTenant(pool, world.tenantId, (db) => findMailbox(db, world.tenantId));
    expect(stored).toMatchObject({ id: mailboxId, watchExpiresAt: new Date(renewal.expiresAt) });
    const gmail = (await status(handle)).lastReport?.checks.find((c) => c.name === 'gmail');
    expect(gmail).toMatchObject({ status: 'ok' });
    expect((await storedPasses(world.tenantId)).length).toBe(8);
    const renewedPass = await withTenant(pool, world.tenantId, (db) =>
      db.maybeOneFirst(sql.type(z.object({ detail: z.string() }))`
        SELECT c->>'detail' AS detail FROM guardian_reports, jsonb_array_elements(checks) c
         WHERE c->>'name' = 'gmail' AND c->>'detail' LIKE 'Watch renewed%'`),
    );
    expect(renewedPass).toContain(`it now expires at ${new Date(renewal.expiresAt).toISOString()}`);
  });
});
