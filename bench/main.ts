// `npm run bench`: what the API adds on top of Temporal, measured against a baseline in the same
// run, on the same Postgres and Temporal server (the stack started by scripts/stack/main.ts).
//
//   invoice creation   POST /api/invoices (validate, auth, rate limit, tenant transaction, insert,
//                      audit, idempotency, workflow start)  vs  the same insert + the same start
//   Stripe webhook     POST /api/stripe/webhook (signature, the event signalled to the business's
//                      stripeInbox: signal-with-start)  vs  raw signal to an invoice's workflow.
//                      The effect (the event's own run: claim, mark paid, audit, the paid signal)
//                      follows on a worker after the answer; no worker polls the bench's queue, so
//                      what is timed is the durable hand-off against a bare signal.
//
//   scale              (`--scale`, or `--scale-only` for it alone; sizes in BENCH_SCALE) N reminders
//                      due at one instant on the production worker  vs  N minimal workflows
//                      (bench/scale.ts)
//
// Results are ratios (ours / baseline), written to bench/results/latest.json (the sections this
// run did not measure are kept from the last one) and printed.
import { randomUUID, createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../src/api/app';
import { loadConfig } from '../src/config';
import { insertInvoice } from '../src/db/invoices';
import { createPool } from '../src/db/pool';
import { withTenant } from '../src/db/tenant-transaction';
import { DEFAULT_SCHEDULE_DAYS, planReminders } from '../src/domain/reminder-schedule';
import { invoiceWorkflowId } from '../src/domain/workflow-ids';
import { createLogger } from '../src/observability/logger';
import { createTemporalClient } from '../src/temporal/client';
import { startPaymentReminder } from '../src/workflow-starters/payment-reminder';
import { handStripeEventToInbox } from '../src/workflow-starters/stripe-inbox';
import { paidSignal } from '../src/workflows/payment-reminder.contract';
import { listen, request } from '../test/helpers/http';
import { connectGmail } from '../test/helpers/mailbox';
import { postFromOwnProcess, type PostJob, type PostResult } from './poster';
import { benchReads } from './reads';
import { benchScale, scaleSizes, type ScaleRow } from './scale';

const N = Number(process.env.BENCH_N ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
/** Read routes: autocannon connections, seconds per round, rounds per side. */
const READ_CONNECTIONS = Number(process.env.BENCH_READ_CONNECTIONS ?? 20);
const READ_SECONDS = Number(process.env.BENCH_READ_SECONDS ?? 5);
const READ_ROUNDS = Number(process.env.BENCH_READ_ROUNDS ?? 3);
/** Write comparisons: turns per side. */
const WRITE_ROUNDS = Number(process.env.BENCH_WRITE_ROUNDS ?? 4);
const POOL_SIZE = 20;
const SCALE = process.argv.includes('--scale') || process.argv.includes('--scale-only');
const SCALE_ONLY = process.argv.includes('--scale-only');
const RESULTS = path.resolve(__dirname, 'results/latest.json');

interface Run {
  ops: number;
  seconds: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
}

/** Runs `op` n times with `concurrency` in flight, timing each; `from` offsets the index it gets. */
async function timeOps(
  n: number,
  concurrency: number,
  op: (i: number) => Promise<void>,
  from = 0,
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) {
        const t = performance.now();
        await op(from + i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

function summarize(latencies: number[], seconds: number): Run {
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) =>
    Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 10) / 10;
  return {
    ops: sorted.length,
    seconds: Math.round(seconds * 100) / 100,
    rate: Math.round((sorted.length / seconds) * 10) / 10,
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
  };
}

/** A side of a write comparison: one operation at a time in this process, or whole batches sent
 * from another process (bench/poster.ts), for HTTP sides whose client must not share the API's CPU. */
type Side =
  | ((i: number) => Promise<void>)
  | { batch: (from: number, count: number) => Promise<{ latencies: number[]; seconds: number }> };

/**
 * Each side runs n operations in WRITE_ROUNDS turns (A, B, A, B…), so a machine that gets busier
 * or quieter during the run moves both sides alike; each side's latencies and time are pooled.
 */
async function interleaved<K extends string>(
  n: number,
  concurrency: number,
  sides: Record<K, Side>,
): Promise<Record<K, Run>> {
  const names = Object.keys(sides) as K[];
  const pooled = new Map<K, { latencies: number[]; seconds: number }>(
    names.map((k) => [k, { latencies: [], seconds: 0 }]),
  );
  const perRound = Math.ceil(n / WRITE_ROUNDS);
  for (let round = 0; round < WRITE_ROUNDS; round++) {
    const count = Math.min(perRound, n - round * perRound);
    if (count <= 0) break;
    for (const name of names) {
      const side = sides[name];
      const { latencies, seconds } =
        typeof side === 'function'
          ? await timeOps(count, concurrency, side, round * perRound)
          : await side.batch(round * perRound, count);
      const total = pooled.get(name)!;
      total.latencies.push(...latencies);
      total.seconds += seconds;
    }
  }
  return Object.fromEntries(
    names.map((k) => [k, summarize(pooled.get(k)!.latencies, pooled.get(k)!.seconds)]),
  ) as Record<K, Run>;
}

/** POSTs from bench/poster.ts's own process; every answer must have the expected status. */
async function postBatch(
  server: { url: string },
  requests: PostJob['requests'],
  expected: number,
): Promise<PostResult> {
  const result = await postFromOwnProcess({ url: server.url, concurrency: CONCURRENCY, requests });
  const wrong = result.answers.find((a) => a.status !== expected);
  if (wrong) throw new Error(`answered ${wrong.status} (expected ${expected}): ${JSON.stringify(wrong.body)}`);
  return result;
}

async function main(): Promise<void> {
  // What else the machine was doing: ratios hold up under load better than absolute figures, but
  // a loaded machine still moves them.
  const loadAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
  // Rate limits are for clients, not for this measurement; the reminder workflows sit on a task
  // queue no worker polls, so nothing but the API and Temporal's own work is timed.
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    TEMPORAL_TASK_QUEUE: `bench-${randomUUID()}`,
    RATE_LIMIT_IP_POINTS: '1000000',
    RATE_LIMIT_TENANT_POINTS: '1000000',
    DATABASE_POOL_SIZE: String(POOL_SIZE),
  });
  const logger = createLogger({ name: 'bench', level: 'silent', pretty: false });
  const pool = await createPool({ url: config.database.url, maximumPoolSize: POOL_SIZE });
  const temporal = await createTemporalClient(config);
  const server = await listen(createApp({ config, pool, temporal, logger }));

  const reg = await request(server, 'POST', '/api/auth/register', {
    json: {
      businessName: 'Bench Salon',
      email: `bench-${randomUUID()}@bench.example`,
      password: 'a long bench passphrase',
    },
  });
  const token = reg.body.accessToken as string;
  const tenantId = reg.body.tenant.id as string;
  const client = await request(server, 'POST', '/api/clients', {
    token,
    json: { name: 'Bench Client', email: 'client@bench.example', timezone: 'UTC' },
  });
  const clientId = client.body.id as string;
  const userId = reg.body.user.id as string;
  // 50 clients: GET /api/clients?limit=50 answers a full page.
  for (let i = 1; i < 50; i++) {
    await request(server, 'POST', '/api/clients', {
      token,
      json: { name: `Bench Client ${String(i).padStart(2, '0')}`, email: `c${i}@bench.example`, timezone: 'UTC' },
    });
  }
  const scale = () =>
    runScale({
      config,
      pool,
      temporal,
      logger,
      server,
      token,
      tenantId,
      ownerEmail: reg.body.user.email as string,
      loadAtStart,
    });
  const close = async () => {
    await server.close();
    await temporal.connection.close();
    await pool.end();
  };
  if (SCALE_ONLY) {
    await scale();
    await close();
    return;
  }
  const reads = await benchReads({
    apiServer: server,
    databaseUrl: config.database.url,
    poolSize: POOL_SIZE,
    token,
    tenantId,
    userId,
    connections: READ_CONNECTIONS,
    seconds: READ_SECONDS,
    rounds: READ_ROUNDS,
  });
  const dueDate = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const invoiceBody = { clientId, amountCents: 5000, currency: 'usd', dueDate, description: 'Benchmark invoice' };

  // Warm both paths (connections, JIT, prepared plans) before timing either.
  for (let i = 0; i < 20; i++) await request(server, 'POST', '/api/invoices', { token, json: invoiceBody });

  // Like with like: the baseline inserts the same row and makes the same start as the route (the
  // same starter: the plan of the business's default schedule, its search attributes and reuse
  // policy); what it leaves out is HTTP, auth, validation, the client and schedule lookups, the
  // audit entry and the response.
  const created: string[] = [];
  const creation = await interleaved(N, CONCURRENCY, {
    baseline: async () => {
      const id = randomUUID();
      await withTenant(pool, tenantId, (db) =>
        insertInvoice(db, {
          id,
          tenantId,
          clientId,
          amountCents: 5000,
          currency: 'usd',
          dueDate,
          description: 'Benchmark invoice',
          channels: ['email'],
          scheduleDays: [...DEFAULT_SCHEDULE_DAYS],
          workflowId: invoiceWorkflowId(tenantId, id),
        }),
      );
      const plan = planReminders({ dueDate, scheduleDays: DEFAULT_SCHEDULE_DAYS, timeZone: 'UTC', now: new Date() });
      await startPaymentReminder(temporal, config, { tenantId, invoiceId: id, clientId, channels: ['email'], plan });
    },
    api: {
      batch: async (_from, count) => {
        const body = JSON.stringify(invoiceBody);
        const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
        const result = await postBatch(
          server,
          Array.from({ length: count }, () => ({ method: 'POST', path: '/api/invoices', headers, body })),
          201,
        );
        for (const answer of result.answers) created.push((answer.body as { id: string }).id);
        return result;
      },
    },
  });
  const baselineCreate = creation.baseline;
  const apiCreate = creation.api;

  // Webhooks: each paid event is verified and signalled to the business's Stripe inbox (which,
  // on a worker, would start the event's own run and apply it); the baseline signals an
  // invoice's workflow.
  const secret = config.stripe.webhookSecret as string;
  // The hand-off on its own is the third side: the same signal-with-start the route makes (its
  // starter), without HTTP, signature or tenant lookup, so the gap to a bare signal splits into
  // the API's part and the hand-off's. Neither side changes the database here: no worker runs
  // the signalled workflows. The first hand-off starts the inbox; the rest find it running.
  const paidFacts = (i: number) => ({
    eventId: `evt_${randomUUID().replace(/-/g, '')}`,
    type: 'checkout.session.completed',
    tenantId,
    invoiceId: created[i] as string,
    paymentIntentId: null,
    effect: { kind: 'paid' as const, paymentIntentId: null },
  });
  await handStripeEventToInbox(temporal, config, tenantId, paidFacts(0));
  const webhooks = await interleaved(N, CONCURRENCY, {
    signal: async (i) => {
      await temporal.workflow
        .getHandle(invoiceWorkflowId(tenantId, created[i] as string))
        .signal(paidSignal, { method: 'stripe' });
    },
    handOff: async (i) => {
      await handStripeEventToInbox(temporal, config, tenantId, paidFacts(i));
    },
    api: {
      batch: (from, count) => {
        const t = Math.floor(Date.now() / 1000);
        const requests = Array.from({ length: count }, (_, k) => {
          const body = JSON.stringify({
            id: `evt_${randomUUID().replace(/-/g, '')}`,
            object: 'event',
            type: 'checkout.session.completed',
            data: {
              object: {
                id: `cs_${from + k}`,
                object: 'checkout.session',
                payment_status: 'paid',
                metadata: { tenantId, invoiceId: created[from + k] },
              },
            },
          });
          const signature = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
          const headers = { 'Content-Type': 'application/json', 'Stripe-Signature': `t=${t},v1=${signature}` };
          return { method: 'POST', path: '/api/stripe/webhook', headers, body };
        });
        return postBatch(server, requests, 200);
      },
    },
  });
  const { signal: baselineSignal, handOff, api: apiWebhook } = webhooks;

  const result = {
    at: new Date().toISOString(),
    machine: machine(loadAtStart),
    settings: {
      operations: N,
      concurrency: CONCURRENCY,
      readConnections: READ_CONNECTIONS,
      readSecondsPerRound: READ_SECONDS,
      readRounds: READ_ROUNDS,
    },
    reads,
    invoiceCreation: {
      api: apiCreate,
      baseline: baselineCreate,
      rateRatio: Math.round((apiCreate.rate / baselineCreate.rate) * 100) / 100,
      p99Ratio: Math.round((apiCreate.p99Ms / baselineCreate.p99Ms) * 100) / 100,
    },
    stripeWebhook: {
      api: apiWebhook,
      baseline: baselineSignal,
      rateRatio: Math.round((apiWebhook.rate / baselineSignal.rate) * 100) / 100,
      p99Ratio: Math.round((apiWebhook.p99Ms / baselineSignal.p99Ms) * 100) / 100,
      /** The route against the bare signal-with-start to the inbox it makes. */
      handOffBaseline: handOff,
      rateRatioToHandOff: Math.round((apiWebhook.rate / handOff.rate) * 100) / 100,
      p99RatioToHandOff: Math.round((apiWebhook.p99Ms / handOff.p99Ms) * 100) / 100,
    },
  };
  writeDocsTable(result);
  const out = writeResults(result);

  const readRow = (name: string, r: { rate: number; p50Ms: number; p99Ms: number }) =>
    `  ${name.padEnd(34)} ${String(r.rate).padStart(8)}/s   p50 ${String(r.p50Ms).padStart(6)} ms   p99 ${String(r.p99Ms).padStart(6)} ms`;
  const row = (name: string, r: Run) =>
    `  ${name.padEnd(34)} ${String(r.rate).padStart(8)}/s   p50 ${String(r.p50Ms).padStart(6)} ms   p99 ${String(r.p99Ms).padStart(6)} ms`;
  process.stdout.write(
    [
      `Benchmarks (${N} operations, ${CONCURRENCY} in flight; ${result.machine.cpus} CPUs, ${result.machine.cpuModel}, ${process.version})`,
      `Read routes (autocannon in its own process, ${READ_CONNECTIONS} connections, best of ${READ_ROUNDS} × ${READ_SECONDS} s per side, interleaved):`,
      readRow('GET /api/health/db', reads.healthDb.api),
      readRow('bare Koa + pg: SELECT 1', reads.healthDb.bare),
      `  → rate ratio ${reads.healthDb.rateRatio}, p99 ratio ${reads.healthDb.p99Ratio} (goal ≥ 0.8)`,
      readRow('GET /api/clients?limit=50', reads.clientsList.api),
      readRow('bare Koa + pg: same 50-row page', reads.clientsList.bare),
      `  → rate ratio ${reads.clientsList.rateRatio}, p99 ratio ${reads.clientsList.p99Ratio} (goal ≥ 0.5)`,
      readRow('GET /api/auth/me, 1 connection', reads.oneConnectionMe.api),
      readRow('bare Koa + pg: user + tenant rows', reads.oneConnectionMe.bare),
      `  → median ${reads.oneConnectionMe.api.p50Ms} ms, mean ${reads.oneConnectionMe.api.meanMs} ms (goal: median < 1.5 ms)`,
      row('POST /api/invoices', apiCreate),
      row('baseline: insert + workflow.start', baselineCreate),
      `  → rate ratio ${result.invoiceCreation.rateRatio}, p99 ratio ${result.invoiceCreation.p99Ratio}`,
      row('POST /api/stripe/webhook', apiWebhook),
      row('baseline: signal', baselineSignal),
      row('bare signal-with-start to the inbox', handOff),
      `  → rate ratio ${result.stripeWebhook.rateRatio}, p99 ratio ${result.stripeWebhook.p99Ratio} against the signal; ${result.stripeWebhook.rateRatioToHandOff} / ${result.stripeWebhook.p99RatioToHandOff} against the bare hand-off`,
      `written to ${path.relative(process.cwd(), out)} and the table in docs/performance.md`,
      '',
    ].join('\n'),
  );

  if (SCALE) await scale();
  await close();
}

function machine(loadAtStart: number[]) {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage1mAtStartAndEnd: [loadAtStart[0] ?? 0, Math.round((os.loadavg()[0] ?? 0) * 100) / 100],
  };
}

/** Writes this run's sections into bench/results/latest.json, keeping the ones it did not measure. */
function writeResults(sections: Record<string, unknown>): string {
  const previous = fs.existsSync(RESULTS)
    ? (JSON.parse(fs.readFileSync(RESULTS, 'utf8')) as Record<string, unknown>)
    : {};
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify({ ...previous, ...sections }, null, 2) + '\n');
  return path.relative(process.cwd(), RESULTS);
}

/** The scale run: a mailbox for the tenant (reminders go out from it), then bench/scale.ts. */
async function runScale(deps: {
  config: ReturnType<typeof loadConfig>;
  pool: Awaited<ReturnType<typeof createPool>>;
  temporal: Awaited<ReturnType<typeof createTemporalClient>>;
  logger: ReturnType<typeof createLogger>;
  server: Awaited<ReturnType<typeof listen>>;
  token: string;
  tenantId: string;
  ownerEmail: string;
  loadAtStart: number[];
}): Promise<void> {
  const call = (method: string, p: string, options: { token?: string; json?: unknown } = {}) =>
    request(deps.server, method, p, options);
  await connectGmail(call, { accessToken: deps.token } as Parameters<typeof connectGmail>[1]);
  const sizes = scaleSizes();
  const rows = await benchScale(
    {
      config: deps.config,
      pool: deps.pool,
      temporal: deps.temporal,
      call,
      async apiWith(config) {
        const api = await listen(createApp({ config, pool: deps.pool, temporal: deps.temporal, logger: deps.logger }));
        return { call: (method, p, options = {}) => request(api, method, p, options), close: () => api.close() };
      },
      token: deps.token,
      tenantId: deps.tenantId,
      ownerEmail: deps.ownerEmail,
    },
    sizes,
    (line) => process.stderr.write(`[bench] ${line}\n`),
  );
  const scale = {
    at: new Date().toISOString(),
    machine: machine(deps.loadAtStart),
    worker:
      'src/worker.ts as its own process, all three task queues, the documented defaults (WORKER_* unset unless set for the bench)',
    tuning: deps.config.worker.tuning,
    rows,
  };
  writeScaleDocsTable(scale);
  const out = writeResults({ scale });
  const cell = (x: number | null, unit = '') => (x === null ? '—' : `${x}${unit}`);
  process.stdout.write(
    [
      `Scale (reminders due at one instant vs the engine's minimal workflow; ${scale.machine.cpus} CPUs, load ${scale.machine.loadAverage1mAtStartAndEnd.join(' → ')}):`,
      ...rows.map(
        (r) =>
          `  N=${String(r.n).padEnd(6)} reminders ${cell(r.reminders.secondsToAll, ' s')} (${cell(r.reminders.rate, '/s')}, first ${cell(r.reminders.firstAfterTSeconds, ' s')}, RSS peak ${r.reminders.workerRssMiB.peak} MiB, duplicates ${r.reminders.duplicates}, urgent email ${cell(r.reminders.urgentEmailSeconds, ' s')})` +
          `  engine ${cell(r.engine.secondsToAll, ' s')} (${cell(r.engine.rate, '/s')}, first ${cell(r.engine.firstAfterTSeconds, ' s')})  → ratio ${cell(r.rateRatio)} (goal ≥ 0.5)`,
      ),
      `written to ${out} and the scale table in docs/performance.md`,
      '',
    ].join('\n'),
  );
}

/** Replaces the scale table between its markers in docs/performance.md. */
function writeScaleDocsTable(s: { at: string; machine: ReturnType<typeof machine>; rows: ScaleRow[] }): void {
  const docs = path.resolve(__dirname, '../docs/performance.md');
  const start = '<!-- bench-scale:start -->';
  const end = '<!-- bench-scale:end -->';
  const text = fs.readFileSync(docs, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/performance.md has no ${start} … ${end} section`);
  const cell = (x: number | null, unit = '') => (x === null ? '—' : `${x}${unit}`);
  const table = [
    `Last scale run: ${s.at.slice(0, 16).replace('T', ' ')} UTC on ${s.machine.cpus} × ${s.machine.cpuModel}, ${s.machine.memoryGiB} GiB, Node ${s.machine.node};`,
    `1-minute load average ${s.machine.loadAverage1mAtStartAndEnd.join(' at the start, ')} at the end (written by \`npm run bench -- --scale\`).`,
    '',
    '| N | reminders: all in the sandbox after T | first after T | worker RSS at T → peak | sent twice | urgent email | engine: all done after T | first after T | engine RSS peak | rate ratio |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...s.rows.map(
      (r) =>
        `| ${r.n} | ${cell(r.reminders.secondsToAll, ' s')} (${cell(r.reminders.rate, '/s')}) | ${cell(r.reminders.firstAfterTSeconds, ' s')} | ${r.reminders.workerRssMiB.atT} → ${r.reminders.workerRssMiB.peak} MiB | ${r.reminders.duplicates} | ${cell(r.reminders.urgentEmailSeconds, ' s')} | ${cell(r.engine.secondsToAll, ' s')} (${cell(r.engine.rate, '/s')}) | ${cell(r.engine.firstAfterTSeconds, ' s')} | ${r.engine.workerRssMiB.peak} MiB | ${cell(r.rateRatio)} |`,
    ),
    '',
    'Goals: rate ratio ≥ 0.5, first reminder within 30 s of T, worker RSS under 1 GiB, nothing sent twice, the urgent email within 10 s.',
  ].join('\n');
  fs.writeFileSync(docs, `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`);
}

/** Replaces the table between the bench markers in docs/performance.md with this run's figures. */
function writeDocsTable(r: {
  at: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; loadAverage1mAtStartAndEnd: number[] };
  reads: Awaited<ReturnType<typeof benchReads>>;
  invoiceCreation: { api: Run; baseline: Run; rateRatio: number; p99Ratio: number };
  stripeWebhook: {
    api: Run;
    baseline: Run;
    rateRatio: number;
    p99Ratio: number;
    handOffBaseline: Run;
    rateRatioToHandOff: number;
    p99RatioToHandOff: number;
  };
}): void {
  const docs = path.resolve(__dirname, '../docs/performance.md');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const text = fs.readFileSync(docs, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/performance.md has no ${start} … ${end} section`);
  const fig = (x: { rate: number; p99Ms: number; p50Ms: number }) =>
    `${x.rate}/s, p50 ${x.p50Ms} ms, p99 ${x.p99Ms} ms`;
  const { healthDb, clientsList, oneConnectionMe } = r.reads;
  const table = [
    `Last run: ${r.at.slice(0, 16).replace('T', ' ')} UTC on ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node};`,
    `1-minute load average ${r.machine.loadAverage1mAtStartAndEnd.join(' at the start, ')} at the end`,
    `(written by \`npm run bench\`; bench/results/latest.json has every round).`,
    '',
    '| measurement | API | baseline | rate ratio | p99 ratio | goal |',
    '|---|---|---|---|---|---|',
    `| \`GET /api/health/db\` | ${fig(healthDb.api)} | bare Koa + pg \`SELECT 1\`: ${fig(healthDb.bare)} | ${healthDb.rateRatio} | ${healthDb.p99Ratio} | ≥ 0.8 |`,
    `| \`GET /api/clients?limit=50\` | ${fig(clientsList.api)} | bare Koa + pg, same page in a tenant transaction: ${fig(clientsList.bare)} | ${clientsList.rateRatio} | ${clientsList.p99Ratio} | ≥ 0.5 |`,
    `| \`GET /api/auth/me\`, one connection | median ${oneConnectionMe.api.p50Ms} ms, mean ${Math.round(oneConnectionMe.api.meanMs * 100) / 100} ms | bare: median ${oneConnectionMe.bare.p50Ms} ms, mean ${Math.round(oneConnectionMe.bare.meanMs * 100) / 100} ms | | | median < 1.5 ms |`,
    `| invoice creation | \`POST /api/invoices\` ${fig(r.invoiceCreation.api)} | insert + \`workflow.start\`: ${fig(r.invoiceCreation.baseline)} | ${r.invoiceCreation.rateRatio} | ${r.invoiceCreation.p99Ratio} | ≥ 0.85 |`,
    `| Stripe webhook ingest | \`POST /api/stripe/webhook\` ${fig(r.stripeWebhook.api)} | \`signal\`: ${fig(r.stripeWebhook.baseline)} | ${r.stripeWebhook.rateRatio} | ${r.stripeWebhook.p99Ratio} | ≥ 0.8 / ≤ 1.5 |`,
    `| Stripe webhook against its hand-off | the same | bare signal-with-start to the inbox: ${fig(r.stripeWebhook.handOffBaseline)} | ${r.stripeWebhook.rateRatioToHandOff} | ${r.stripeWebhook.p99RatioToHandOff} | |`,
  ].join('\n');
  fs.writeFileSync(docs, `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
