// mailboxSync and mailboxWatch on the time-skipping server, their activities replaced by narrow
// fakes (the real ones run end to end in test/api/gmail*.e2e.test.ts): how pushes coalesce into
// passes, when a repeat causes none, the fallback timer, daily renewals, and continue-as-new.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { PASSES_PER_RUN } from '../../src/workflows/mailbox-sync';
import {
  mailboxChangedSignal,
  mailboxSyncStatusQuery,
  type MailboxPassResult,
  type MailboxSyncStatus,
} from '../../src/workflows/mailbox-sync.contract';
import {
  mailboxWatchStatusQuery,
  renewWatchSignal,
  type MailboxWatchRenewal,
} from '../../src/workflows/mailbox-watch.contract';
import { eventually } from '../helpers/sandbox';
import { createTimeSkippingEnv, createTestWorker } from '../helpers/temporal';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(() => env?.teardown());

/** A pass the test finishes by hand: `finish(historyId)` is what the pass read up to. */
interface HeldPass {
  startedAt: number;
  finish(result: Partial<MailboxPassResult>): void;
}

function fakeMailbox() {
  const passes: HeldPass[] = [];
  let autoCursor: string | null = null;
  let outcome: MailboxPassResult['outcome'] = 'synced';
  return {
    passes,
    /** Later passes finish at once, at this cursor. */
    autoFinish(cursor: string) {
      autoCursor = cursor;
    },
    disconnect() {
      outcome = 'disconnected';
    },
    activities: {
      async syncMailbox(): Promise<MailboxPassResult> {
        const base: MailboxPassResult = { outcome, mode: 'history', stored: 0, skipped: 0, historyId: autoCursor };
        if (outcome !== 'synced' || autoCursor !== null) return base;
        return new Promise((resolve) =>
          passes.push({ startedAt: Date.now(), finish: (r) => resolve({ ...base, ...r }) }),
        );
      },
    },
  };
}

async function startSync(activities: object, fallbackIntervalMs = 60 * MINUTE) {
  const taskQueue = `mailbox-${randomUUID()}`;
  const worker = await createTestWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../src/workflows'),
    activities,
  });
  const running = worker.run();
  const handle = await env.client.workflow.start('mailboxSync', {
    workflowId: `mailbox:${randomUUID()}:${randomUUID()}`,
    taskQueue,
    args: [{ tenantId: randomUUID(), mailboxId: randomUUID(), fallbackIntervalMs }],
  });
  const status = () => handle.query(mailboxSyncStatusQuery);
  const until = (check: (s: MailboxSyncStatus) => boolean) =>
    eventually(async () => ((s) => (check(s) ? s : undefined))(await status()), 10_000);
  const stop = async () => {
    await handle.terminate().catch(() => undefined);
    worker.shutdown();
    await running;
  };
  return { handle, status, until, stop };
}

describe('mailboxSync', () => {
  it('folds the pushes that arrive during a pass into one more pass, unless the pass already read past them', async () => {
    const mailbox = fakeMailbox();
    const wf = await startSync(mailbox.activities);
    try {
      await wf.handle.signal(mailboxChangedSignal, { historyId: '100' });
      await eventually(() => (mailbox.passes.length === 1 ? true : undefined));
      // Three pushes and a repeat while the first pass runs…
      for (const historyId of ['105', '110', '103', '110']) await wf.handle.signal(mailboxChangedSignal, { historyId });
      await wf.until((s) => s.notifications === 5);
      // …which read only up to 104: one more pass is owed, not four.
      mailbox.passes[0]!.finish({ historyId: '104' });
      await eventually(() => (mailbox.passes.length === 2 ? true : undefined));
      mailbox.passes[1]!.finish({ historyId: '110' });
      const done = await wf.until((s) => s.state === 'waiting' && s.passes === 2);
      expect(done).toMatchObject({
        owed: false,
        syncedHistoryId: '110',
        lastPass: { trigger: 'notification', historyId: '110' },
      });

      // A pass that reads past everything pushed meanwhile is the last one.
      await wf.handle.signal(mailboxChangedSignal, { historyId: '111' });
      await eventually(() => (mailbox.passes.length === 3 ? true : undefined));
      for (const historyId of ['112', '113']) await wf.handle.signal(mailboxChangedSignal, { historyId });
      await wf.until((s) => s.notifications === 8);
      mailbox.passes[2]!.finish({ historyId: '113' });
      await wf.until((s) => s.state === 'waiting' && s.passes === 3 && !s.owed);

      // Repeats of what is already read cause no pass at all.
      for (const historyId of ['100', '113', '90']) await wf.handle.signal(mailboxChangedSignal, { historyId });
      const quiet = await wf.until((s) => s.notifications === 11);
      expect(quiet).toMatchObject({ passes: 3, owed: false, state: 'waiting' });
      expect(mailbox.passes).toHaveLength(3);
    } finally {
      await wf.stop();
    }
  });

  it('owes a pass for a request without a history id (a connect), whatever the cursor', async () => {
    const mailbox = fakeMailbox();
    const wf = await startSync(mailbox.activities);
    try {
      await wf.handle.signal(mailboxChangedSignal, { historyId: '500' });
      await eventually(() => (mailbox.passes.length === 1 ? true : undefined));
      await wf.handle.signal(mailboxChangedSignal, {});
      await wf.until((s) => s.notifications === 2);
      mailbox.passes[0]!.finish({ historyId: '900' });
      await eventually(() => (mailbox.passes.length === 2 ? true : undefined));
      mailbox.passes[1]!.finish({ historyId: '900' });
      expect(await wf.until((s) => s.passes === 2 && s.state === 'waiting')).toMatchObject({ owed: false });
    } finally {
      await wf.stop();
    }
  });

  it('runs a fallback pass every interval when no push comes (Gmail may drop them)', async () => {
    const mailbox = fakeMailbox();
    mailbox.autoFinish('42');
    const wf = await startSync(mailbox.activities, 5 * MINUTE);
    try {
      expect((await wf.status()).passes).toBe(0);
      await env.sleep(16 * MINUTE);
      const status = await wf.until((s) => s.passes === 3);
      expect(status.notifications).toBe(0);
      expect(status.lastPass).toMatchObject({ trigger: 'fallback', outcome: 'synced', historyId: '42' });
    } finally {
      await wf.stop();
    }
  });

  it('keeps going after a failed pass and tries again at the next push', async () => {
    let calls = 0;
    const wf = await startSync({
      async syncMailbox(): Promise<MailboxPassResult> {
        calls += 1;
        if (calls === 1)
          throw ApplicationFailure.create({
            message: 'forbidden: Gmail said no',
            type: 'forbidden',
            nonRetryable: true,
          });
        return { outcome: 'synced', mode: 'history', stored: 1, skipped: 0, historyId: '7' };
      },
    });
    try {
      await wf.handle.signal(mailboxChangedSignal, { historyId: '5' });
      expect(await wf.until((s) => s.passes === 1 && s.state === 'waiting')).toMatchObject({
        lastPass: { error: expect.stringMatching(/Gmail said no/) },
      });
      await wf.handle.signal(mailboxChangedSignal, { historyId: '6' });
      expect(await wf.until((s) => s.passes === 2)).toMatchObject({ syncedHistoryId: '7', lastPass: { stored: 1 } });
    } finally {
      await wf.stop();
    }
  });

  it('ends when the mailbox is no longer connected', async () => {
    const mailbox = fakeMailbox();
    mailbox.disconnect();
    const wf = await startSync(mailbox.activities);
    try {
      await wf.handle.signal(mailboxChangedSignal, { historyId: '1' });
      expect(await wf.handle.result()).toBe('disconnected');
    } finally {
      await wf.stop();
    }
  });

  it(`continues as new after ${PASSES_PER_RUN} passes, carrying its counters and cursor`, async () => {
    const mailbox = fakeMailbox();
    mailbox.autoFinish('77');
    const wf = await startSync(mailbox.activities, MINUTE);
    try {
      const firstRun = (await wf.handle.describe()).runId;
      await env.sleep((PASSES_PER_RUN + 3) * MINUTE);
      const status = await wf.until((s) => s.passes >= PASSES_PER_RUN + 1);
      expect(status.syncedHistoryId).toBe('77');
      const d = await wf.handle.describe();
      expect(d.runId).not.toBe(firstRun);
      expect(d.status.name).toBe('RUNNING');
      // A repeat of what the earlier run read is still known to be a repeat.
      const before = status.passes;
      await wf.handle.signal(mailboxChangedSignal, { historyId: '77' });
      expect(await wf.until((s) => s.notifications === 1)).toMatchObject({ passes: before, owed: false });
    } finally {
      await wf.stop();
    }
  }, 120_000);
});

describe('mailboxWatch', () => {
  async function startWatch(renew: () => Promise<MailboxWatchRenewal>) {
    const taskQueue = `watch-${randomUUID()}`;
    const times: number[] = [];
    const worker = await createTestWorker({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: {
        async renewMailboxWatch() {
          times.push(await env.currentTimeMs());
          return renew();
        },
      },
    });
    const running = worker.run();
    const handle = await env.client.workflow.start('mailboxWatch', {
      workflowId: `mailbox-watch:${randomUUID()}:${randomUUID()}`,
      taskQueue,
      args: [{ tenantId: randomUUID(), mailboxId: randomUUID(), renewEveryMs: DAY }],
    });
    const stop = async () => {
      await handle.terminate().catch(() => undefined);
      worker.shutdown();
      await running;
    };
    return { handle, times, stop };
  }

  const watching = async (): Promise<MailboxWatchRenewal> => ({
    outcome: 'watching',
    historyId: '9',
    expiresAt: new Date(Date.now() + 7 * DAY).toISOString(),
  });

  it('renews at once, then daily, and at once again when asked', async () => {
    const wf = await startWatch(watching);
    try {
      await eventually(() => (wf.times.length === 1 ? true : undefined));
      await env.sleep(3 * DAY + MINUTE);
      await eventually(() => (wf.times.length === 4 ? true : undefined));
      const gaps = wf.times.slice(1).map((t, i) => t - wf.times[i]!);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(DAY - 1_000);
      await wf.handle.signal(renewWatchSignal);
      await eventually(() => (wf.times.length === 5 ? true : undefined));
      const status = await wf.handle.query(mailboxWatchStatusQuery);
      expect(status).toMatchObject({
        renewals: 5,
        lastError: null,
        lastRenewal: { outcome: 'watching', historyId: '9' },
        nextRenewalAt: expect.any(String),
      });
    } finally {
      await wf.stop();
    }
  });

  it('tries a failed renewal again within the hour, and ends when the owner must reconnect', async () => {
    let calls = 0;
    const wf = await startWatch(async () => {
      calls += 1;
      if (calls === 1)
        throw ApplicationFailure.create({
          message: 'forbidden: topic not allowed',
          type: 'forbidden',
          nonRetryable: true,
        });
      if (calls === 2) return watching();
      return { outcome: 'reauth_required', historyId: null, expiresAt: null };
    });
    try {
      await eventually(() => (wf.times.length === 1 ? true : undefined));
      await eventually(async () => ((await wf.handle.query(mailboxWatchStatusQuery)).lastError ? true : undefined));
      await env.sleep(61 * MINUTE);
      await eventually(() => (wf.times.length === 2 ? true : undefined));
      expect(wf.times[1]! - wf.times[0]!).toBeLessThanOrEqual(61 * MINUTE);
      expect(await wf.handle.result()).toBe('reauth_required');
      expect(wf.times[2]! - wf.times[1]!).toBeGreaterThanOrEqual(DAY - 1_000);
    } finally {
      await wf.stop();
    }
  });
});
