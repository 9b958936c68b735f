// The scale run (`npm run bench -- --scale`, sizes in BENCH_SCALE, default 1000,5000,10000): for
// each N, N open invoices of one client whose one reminder (scheduleDays [0]) falls due at the
// same instant T, served by the production worker (src/worker.ts as its own process, the
// documented settings), against the engine's own rate on the same server and worker settings: N
// minimal workflows (the `probe`: one timer to the same kind of instant, then its one activity, a
// database check). Measured from outside the worker: when each reminder reached the sandbox (its
// own clock), the worker's peak RSS (sampled from /proc), Message-IDs seen twice, and how long a
// test email asked for during the burst takes to reach the sandbox.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { DatabasePool } from 'slonik';
import { workerPollerIdentities } from '../src/api/routes/system/pollers';
import type { Config } from '../src/config';
import { insertInvoice } from '../src/db/invoices';
import { withTenant } from '../src/db/tenant-transaction';
import { invoiceWorkflowId } from '../src/domain/workflow-ids';
import { taskQueueNames, TASK_QUEUE_KINDS } from '../src/temporal/task-queues';
import { startPaymentReminder } from '../src/workflow-starters/payment-reminder';
import { stop, typescriptEntry } from '../scripts/stack/processes';
import type { TestResponse } from '../test/helpers/http';

const ROOT = path.resolve(__dirname, '..');
/** Starts in flight at once while the invoices (or the probes) are created. */
const CREATE_CONCURRENCY = 16;
/** T falls this long after the starts are expected to end (creation runs ahead of it, untimed). */
const LEAD_MS = 15_000;
/** Starts timed to foresee how long N of them take on this machine now. */
const CALIBRATION_STARTS = 50;
const RSS_SAMPLE_MS = 500;

type Call = (method: string, path: string, options?: { token?: string; json?: unknown }) => Promise<TestResponse>;

export interface ScaleDeps {
  config: Config;
  pool: DatabasePool;
  temporal: Client;
  call: Call;
  /** The API on another config (the scale run's own task queues), for the urgent email. */
  apiWith(config: Config): Promise<{ call: Call; close: () => Promise<void> }>;
  /** An admin of a tenant with its Gmail connected (reminders and test emails go out from it). */
  token: string;
  tenantId: string;
  ownerEmail: string;
}

export interface SideResult {
  n: number;
  /** From T until the last one was done (the last reminder in the sandbox, the last probe completed). */
  secondsToAll: number | null;
  rate: number | null;
  firstAfterTSeconds: number | null;
  /** Whether every start was made before T (else T's burst began while starting). */
  startedBeforeT: boolean;
  startSeconds: number;
  workerRssMiB: { atT: number; peak: number };
  done: number;
}

export interface ScaleRow {
  n: number;
  engine: SideResult;
  reminders: SideResult & { duplicates: number; urgentEmailSeconds: number | null };
  rateRatio: number | null;
}

export function scaleSizes(): number[] {
  return (process.env.BENCH_SCALE ?? '1000,5000,10000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** Runs `op` for 0..n-1 with `concurrency` in flight. */
async function inParallel(n: number, concurrency: number, op: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) await op(i);
    }),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (x: number, places = 1) => Math.round(x * 10 ** places) / 10 ** places;

/** src/worker.ts as its own process on `base` (all three queues), RSS sampled until stopped. */
async function startWorker(
  deps: ScaleDeps,
  base: string,
): Promise<{
  child: ChildProcess;
  rss: { now: () => number; peak: () => number };
  output: () => string;
  stop: () => Promise<void>;
}> {
  const [command, args] = typescriptEntry(path.join(ROOT, 'src/worker.ts'));
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_TASK_QUEUE: base, LOG_LEVEL: 'warn', GUARDIAN_BOOT_SWEEP: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let last = 0;
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      last = kb / 1024;
      peak = Math.max(peak, last);
    } catch {
      // Exited between samples.
    }
  }, RSS_SAMPLE_MS);
  const names = taskQueueNames(base);
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the worker exited (${child.exitCode}):\n${output}`);
    const polled = await Promise.all(
      TASK_QUEUE_KINDS.map((k) => workerPollerIdentities(deps.temporal, deps.config.temporal.namespace, names[k])),
    );
    if (polled.every((ids) => (ids?.size ?? 0) > 0)) break;
    if (Date.now() > deadline) throw new Error(`the worker did not poll within 180 s:\n${output}`);
    await sleep(500);
  }
  return {
    child,
    rss: { now: () => round(last), peak: () => round(peak) },
    output: () => output,
    stop: async () => {
      clearInterval(timer);
      await stop(child, 60_000);
    },
  };
}

/**
 * Milliseconds per workflow start with CREATE_CONCURRENCY in flight, timed on a queue no worker
 * polls (those probes wait a day and are never run).
 */
async function msPerStart(deps: ScaleDeps): Promise<number> {
  const queue = `scale-calibration-${randomUUID().slice(0, 8)}`;
  const started = Date.now();
  await inParallel(CALIBRATION_STARTS, CREATE_CONCURRENCY, async (i) => {
    await deps.temporal.workflow.start('probe', {
      workflowId: `${queue}-${i}`,
      taskQueue: queue,
      args: [{ note: 'calibration', sleepMs: 86_400_000 }],
    });
  });
  return (Date.now() - started) / CALIBRATION_STARTS;
}

/** The engine alone: N probes sleeping until T, then one activity. */
async function engineSide(deps: ScaleDeps, n: number): Promise<SideResult> {
  const base = `scale-engine-${n}-${randomUUID().slice(0, 8)}`;
  const worker = await startWorker(deps, base);
  try {
    // Twice the foreseen time: the worker's own first tasks compete with the starts.
    const t = Date.now() + LEAD_MS + 2 * n * (await msPerStart(deps));
    const started = Date.now();
    await inParallel(n, CREATE_CONCURRENCY, async (i) => {
      await deps.temporal.workflow.start('probe', {
        workflowId: `scale-probe-${base}-${i}`,
        taskQueue: base,
        args: [{ note: 'scale', sleepMs: Math.max(0, t - Date.now()) }],
      });
    });
    const startSeconds = (Date.now() - started) / 1000;
    const startedBeforeT = Date.now() < t;
    await sleep(Math.max(0, t - Date.now()));
    const atT = worker.rss.now();
    // The worker's boot points the housekeeping Schedule at its queue too: probes only.
    const query = `WorkflowType = 'probe' AND TaskQueue = '${base}' AND ExecutionStatus = 'Completed'`;
    let first: number | null = null;
    let all: number | null = null;
    let done = 0;
    const deadline = t + Math.max(300_000, n * 200);
    while (all === null && Date.now() < deadline) {
      done = (await deps.temporal.workflow.count(query)).count;
      if (done > 0 && first === null) first = Date.now();
      if (done >= n) all = Date.now();
      else await sleep(first === null ? 250 : 1000);
    }
    const secondsToAll = all === null ? null : (all - t) / 1000;
    return {
      n,
      secondsToAll: secondsToAll === null ? null : round(secondsToAll),
      rate: secondsToAll === null ? null : round(n / secondsToAll),
      firstAfterTSeconds: first === null ? null : round((first - t) / 1000),
      startedBeforeT,
      startSeconds: round(startSeconds),
      workerRssMiB: { atT, peak: worker.rss.peak() },
      done,
    };
  } finally {
    await worker.stop();
  }
}

interface SentMail {
  to: string;
  subject: string;
  messageId?: string;
  at: string;
}

async function sentTo(config: Config, to: string): Promise<SentMail[]> {
  const res = await fetch(`${config.sandbox.url}/_sandbox/sent?provider=gmail`);
  const body = (await res.json()) as { items: SentMail[] };
  return body.items.filter((m) => String(m.to).includes(to));
}

/** Ours: N invoices, one reminder each at T, through paymentReminder and emailDelivery. */
async function remindersSide(deps: ScaleDeps, n: number, engineStartSeconds: number): Promise<ScaleRow['reminders']> {
  const base = `scale-reminders-${n}-${randomUUID().slice(0, 8)}`;
  const config = { ...deps.config, temporal: { ...deps.config.temporal, taskQueue: base } } as Config;
  const clientEmail = `scale-${n}-${randomUUID().slice(0, 8)}@client.example`;
  const client = await deps.call('POST', '/api/clients', {
    token: deps.token,
    json: { name: `Scale client ${n}`, email: clientEmail, timezone: 'UTC' },
  });
  if (client.status !== 201) throw new Error(`client answered ${client.status}: ${client.text}`);
  const clientId = client.body.id as string;
  const worker = await startWorker(deps, base);
  try {
    // An insert and a start each, and the first workflow task and payment link of each before T.
    const t = Date.now() + LEAD_MS + 3 * engineStartSeconds * 1000;
    const dueDate = new Date(t).toISOString().slice(0, 10);
    const started = Date.now();
    await inParallel(n, CREATE_CONCURRENCY, async () => {
      const id = randomUUID();
      await withTenant(deps.pool, deps.tenantId, (db) =>
        insertInvoice(db, {
          id,
          tenantId: deps.tenantId,
          clientId,
          amountCents: 5000,
          currency: 'usd',
          dueDate,
          description: 'Scale invoice',
          channels: ['email'],
          scheduleDays: [0],
          workflowId: invoiceWorkflowId(deps.tenantId, id),
        }),
      );
      // The plan the API would make for a step due at T (planReminders puts it at 09:00 local).
      await startPaymentReminder(deps.temporal, config, {
        tenantId: deps.tenantId,
        invoiceId: id,
        clientId,
        channels: ['email'],
        plan: [{ step: 0, at: new Date(t).toISOString(), status: 'scheduled' }],
      });
    });
    const startSeconds = (Date.now() - started) / 1000;
    const startedBeforeT = Date.now() < t;
    await sleep(Math.max(0, t - Date.now()));
    const atT = worker.rss.now();
    // The urgent email, two seconds into the burst.
    await sleep(2_000);
    const urgentAskedAt = Date.now();
    const api = await deps.apiWith(config);
    const urgent = await api.call('GET', '/api/email/test', { token: deps.token }).finally(() => api.close());
    if (urgent.status !== 202) throw new Error(`the test email answered ${urgent.status}: ${urgent.text}`);
    let urgentSeconds: number | null = null;
    let mails: SentMail[] = [];
    const deadline = t + Math.max(600_000, n * 500);
    while (Date.now() < deadline) {
      if (urgentSeconds === null) {
        const mine = (await sentTo(deps.config, deps.ownerEmail)).find(
          (m) => m.subject === 'Frontdesk test email' && Date.parse(m.at) >= urgentAskedAt,
        );
        if (mine) urgentSeconds = round((Date.parse(mine.at) - urgentAskedAt) / 1000, 2);
      }
      mails = await sentTo(deps.config, clientEmail);
      if (mails.length >= n && urgentSeconds !== null) break;
      await sleep(2_000);
    }
    const times = mails.map((m) => Date.parse(m.at)).sort((a, b) => a - b);
    const ids = mails.map((m) => m.messageId ?? '');
    const complete = mails.length >= n;
    const secondsToAll = complete ? ((times[n - 1] as number) - t) / 1000 : null;
    return {
      n,
      secondsToAll: secondsToAll === null ? null : round(secondsToAll),
      rate: secondsToAll === null ? null : round(n / secondsToAll),
      firstAfterTSeconds: times.length ? round(((times[0] as number) - t) / 1000) : null,
      startedBeforeT,
      startSeconds: round(startSeconds),
      workerRssMiB: { atT, peak: worker.rss.peak() },
      done: mails.length,
      duplicates: ids.length - new Set(ids).size,
      urgentEmailSeconds: urgentSeconds,
    };
  } finally {
    await worker.stop();
  }
}

export async function benchScale(
  deps: ScaleDeps,
  sizes: number[],
  progress: (line: string) => void,
): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const n of sizes) {
    progress(`scale ${n}: engine baseline (probe: timer, then one activity)…`);
    const engine = await engineSide(deps, n);
    progress(
      `scale ${n}: engine ${engine.secondsToAll ?? '—'} s for all, first ${engine.firstAfterTSeconds ?? '—'} s after T; reminders…`,
    );
    const reminders = await remindersSide(deps, n, engine.startSeconds);
    progress(
      `scale ${n}: reminders ${reminders.secondsToAll ?? '—'} s for all, first ${reminders.firstAfterTSeconds ?? '—'} s after T`,
    );
    rows.push({
      n,
      engine,
      reminders,
      rateRatio: engine.rate && reminders.rate ? round(reminders.rate / engine.rate, 2) : null,
    });
  }
  return rows;
}
