// A whole Frontdesk stack of its own for one chaos test file: its own Postgres cluster and
// Temporal dev server (started by the same functions scripts/stack uses, Temporal on a database
// file so a restart keeps its history), the provider sandbox, the API in this process and the
// worker as a child process. A test may stop, kill and restart any of them without touching the
// servers the other test files share. close() ends everything it started, also after a failure.
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { freePort } from '../../scripts/stack/ports';
import { postgresDataDir, startLocalPostgres, type LocalPostgres } from '../../scripts/stack/postgres';
import { startTemporalDevServer, type LocalTemporal } from '../../scripts/stack/temporal';
import { readToolsEnv } from '../../scripts/stack/tools-env';
import { createApp } from '../../src/api/app';
import type { Config } from '../../src/config';
import { createPool, type DatabasePool } from '../../src/db/pool';
import { createLogger } from '../../src/observability/logger';
import { createTemporalClient } from '../../src/temporal/client';
import { registerTenant, type SignedInUser } from './auth';
import { listen, request, type TestResponse, type TestServer } from './http';
import { ROOT, runEntryPoint, type RunningProcess } from './process';
import { eventually, startTestSandbox, type SandboxHarness } from './sandbox';

export interface ChaosWorker {
  pid: number;
  output(): string;
  /** SIGSTOP: resolves once the kernel shows the process stopped, frozen wherever it was. */
  freeze(): Promise<void>;
  /** SIGKILL: resolves once it is gone. */
  kill(): Promise<void>;
  /** Still the same process, never restarted (a recovery by itself). */
  alive(): boolean;
}

export interface ChaosStack {
  config: Config;
  sandbox: SandboxHarness;
  /** The API's own Temporal client (it reconnects by itself after a restart of the server). */
  temporal: Client;
  call(
    method: string,
    path: string,
    options?: { json?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<TestResponse>;
  server: TestServer;
  startWorker(): ChaosWorker;
  /** The worker's output so far, for failure messages. */
  workerOutput(): string;
  postgres: {
    stop(mode: 'fast' | 'immediate'): void;
    start(): Promise<void>;
  };
  temporalServer: {
    /** SIGKILL, as a crash would. */
    kill(): Promise<void>;
    /** Starts it again on the same port and database file. */
    start(): Promise<void>;
  };
  close(): Promise<void>;
}

const silent = createLogger({
  name: 'chaos-api',
  level: (process.env.CHAOS_API_LOG_LEVEL ?? 'silent') as 'silent',
  pretty: false,
});
const workers = new Set<RunningProcess>();
// However the test process ends, no worker outlives it (Postgres and Temporal are stopped by
// scripts/stack's own exit hooks).
process.on('exit', () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
});

/** SIGKILL, and resolves once the process is gone and its output pipes are closed. */
async function killed(worker: RunningProcess): Promise<void> {
  const { child } = worker;
  const pipesClosed =
    child.stdout?.closed && child.stderr?.closed
      ? Promise.resolve()
      : new Promise((resolve) => child.once('close', resolve));
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await worker.exited;
  await pipesClosed;
  workers.delete(worker);
}

function processState(pid: number): string | null {
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; comm may hold spaces, the state follows the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

/**
 * `env`: config for the API and the worker alike (short retries and heartbeats, say). Each step a
 * test takes waits on something it can observe; nothing here sleeps.
 */
export async function startChaosStack(env: Record<string, string> = {}): Promise<ChaosStack> {
  const tools = readToolsEnv(path.resolve(ROOT, process.env.DATA_DIR ?? '.data'));
  if (!tools.PG_BIN_DIR || !tools.TEMPORAL_CLI)
    throw new Error('PostgreSQL or the temporal CLI unknown: run scripts/bootstrap.sh');
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-chaos-'));
  fs.chmodSync(runDir, 0o755); // the postgres user must reach the cluster inside

  let pg: LocalPostgres | null = null;
  let temporalServer: LocalTemporal | null = null;
  let sandbox: SandboxHarness | null = null;
  let pool: DatabasePool | null = null;
  let temporal: Client | null = null;
  let server: TestServer | null = null;
  const started: RunningProcess[] = [];

  const close = async () => {
    for (const w of started) await killed(w);
    await server?.close().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    await temporal?.connection.close().catch(() => undefined);
    await sandbox?.close().catch(() => undefined);
    await temporalServer?.stop().catch(() => undefined);
    pg?.stop('immediate');
    fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    const secret = () => randomBytes(18).toString('hex');
    const pgOptions = {
      binDir: tools.PG_BIN_DIR,
      dataDir: postgresDataDir(path.join(runDir, 'pg')),
      port: await freePort(),
      database: 'frontdesk_chaos',
      passwords: { superuser: secret(), owner: secret(), app: secret() },
      // Durable, as in production: with fsync or synchronous_commit off a crash (stop -m
      // immediate) loses commits the API already answered for.
      fast: false,
    };
    pg = await startLocalPostgres(pgOptions);
    // The release process's migrations, as a deploy runs them (node-pg-migrate is ESM-only, which
    // jest's module system cannot load).
    const migrate = runEntryPoint('src/db/migrate-cli.ts', { MIGRATION_DATABASE_URL: pg.ownerUrl });
    if ((await migrate.exited) !== 0) throw new Error(`migrations failed:\n${migrate.output()}`);

    const temporalOptions = {
      cli: tools.TEMPORAL_CLI,
      port: await freePort(),
      uiPort: null,
      dbFile: path.join(runDir, 'temporal.db'),
      quiet: true,
    };
    temporalServer = await startTemporalDevServer(temporalOptions);

    const apiPort = await freePort();
    const common: Record<string, string> = {
      DATABASE_URL: pg.appUrl,
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_TASK_QUEUE: 'chaos',
      PORT: String(apiPort),
      // Nothing of the guardian's runs during a test: its first pass is an hour away.
      GUARDIAN_INTERVAL_MINUTES: '60',
      ...env,
    };
    sandbox = await startTestSandbox(common, { apiUrl: `http://127.0.0.1:${apiPort}` });
    const config = sandbox.config;
    pool = await createPool({ url: config.database.url, maximumPoolSize: config.database.poolSize });
    temporal = await createTemporalClient(config);
    server = await listen(createApp({ config, pool, temporal, logger: silent }), apiPort);

    const workerEnv = {
      ...common,
      SANDBOX: '1',
      SANDBOX_URL: config.sandbox.url,
      PUBLIC_BASE_URL: config.http.publicBaseUrl,
      STRIPE_WEBHOOK_SECRET: config.stripe.webhookSecret as string,
      TWILIO_AUTH_TOKEN: config.twilio.authToken as string,
    };
    const stackServer = server;
    const stackSandbox = sandbox;
    const stackTemporal = temporal;

    return {
      config,
      sandbox: stackSandbox,
      temporal: stackTemporal,
      server: stackServer,
      call: (method, p, options = {}) => request(stackServer, method, p, options),
      startWorker() {
        const worker = runEntryPoint('src/worker.ts', workerEnv);
        started.push(worker);
        workers.add(worker);
        const pid = worker.child.pid as number;
        return {
          pid,
          output: worker.output,
          async freeze() {
            process.kill(pid, 'SIGSTOP');
            await eventually(() => (processState(pid) === 'T' ? true : undefined), 10_000);
          },
          kill: () => killed(worker),
          alive: () => worker.child.exitCode === null && worker.child.signalCode === null,
        };
      },
      workerOutput: () => started.map((w, i) => `--- worker ${i + 1} ---\n${w.output().slice(-3000)}`).join('\n'),
      postgres: {
        stop(mode) {
          pg?.stop(mode);
        },
        async start() {
          pg = await startLocalPostgres(pgOptions);
        },
      },
      temporalServer: {
        async kill() {
          await temporalServer?.kill();
        },
        async start() {
          temporalServer = await startTemporalDevServer(temporalOptions);
        },
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

// --- What the chaos tests check, the way a user or an operator would --------------------------

/** Gmail items the sandbox holds per RFC Message-ID: exactly once means one each. */
export async function gmailSendsByMessageId(sandbox: SandboxHarness): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const item of await sandbox.sent('gmail')) counts.set(item.messageId, (counts.get(item.messageId) ?? 0) + 1);
  return counts;
}

/** Texts the sandbox holds per body (each test text has a body of its own). */
export async function twilioSendsByBody(sandbox: SandboxHarness): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const item of await sandbox.sent('twilio')) counts.set(item.body, (counts.get(item.body) ?? 0) + 1);
  return counts;
}

/** Run on by design: the guardian for good, the Stripe inbox for an hour after its last event. */
const LONG_RUNNING = new Set(['guardian', 'stripeInbox']);

/** The tenant's business workflows still running. */
export async function runningBusinessWorkflows(temporal: Client, tenantId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const w of temporal.workflow.list({ query: `TenantId = "${tenantId}" AND ExecutionStatus = "Running"` })) {
    if (!w.type || !LONG_RUNNING.has(w.type)) ids.push(`${w.type} ${w.workflowId}`);
  }
  return ids;
}

/** The status of a closed workflow (COMPLETED, FAILED…), or undefined while it runs. */
export async function closedStatus(temporal: Client, workflowId: string): Promise<string | undefined> {
  const d = await temporal.workflow.getHandle(workflowId).describe();
  return d.status.name === 'RUNNING' ? undefined : d.status.name;
}

// --- One business on a chaos stack, driven through the API ---------------------------------

export interface ChaosBusiness {
  owner: SignedInUser;
  clientId: string;
  phone: string;
  /** POST /api/emails, /api/sms, /api/invoices with a body no other call uses; the raw answer. */
  postEmail(label: string): Promise<TestResponse>;
  postSms(label: string): Promise<TestResponse>;
  postInvoice(label: string): Promise<TestResponse>;
  get(path: string): Promise<TestResponse>;
  /** The email row once it is settled (sent, failed, cancelled). */
  settledEmail(id: string): Promise<any>;
  /** The text's row once it is settled; Twilio's delivery callback may have moved a sent one on. */
  settledSms(id: string): Promise<any>;
}

export async function signUpBusiness(stack: ChaosStack): Promise<ChaosBusiness> {
  const owner = await registerTenant(stack.server, { businessName: 'Chaos Salon' });
  const phone = '+12025550143';
  const token = owner.accessToken;
  const client = await stack.call('POST', '/api/clients', {
    token,
    json: { name: 'Grace Hopper', email: 'grace@client.example', phone, smsConsent: true },
  });
  if (client.status !== 201) throw new Error(`client: ${client.status} ${client.text}`);
  const clientId = client.body.id as string;
  const unique = (label: string) => `${label} ${randomUUID().slice(0, 8)}`;
  return {
    owner,
    clientId,
    phone,
    postEmail: (label) =>
      stack.call('POST', '/api/emails', {
        token,
        json: { to: 'ada@client.example', subject: unique(label), text: `About ${label}` },
      }),
    postSms: (label) => stack.call('POST', '/api/sms', { token, json: { clientId, body: unique(label) } }),
    postInvoice: (label) =>
      stack.call('POST', '/api/invoices', {
        token,
        // Due in a month: its reminders are weeks away, so the workflow waits for the payment.
        json: {
          clientId,
          amountCents: 4500,
          currency: 'usd',
          dueDate: DateTime.now().plus({ days: 30 }).toISODate(),
          description: unique(label),
        },
      }),
    get: (p) => stack.call('GET', p, { token }),
    settledEmail: (id) =>
      eventually(async () => {
        const { body } = await stack.call('GET', `/api/emails/${id}`, { token });
        return ['sent', 'failed', 'cancelled'].includes(body?.status) ? body : undefined;
      }, 60_000),
    settledSms: (id) =>
      eventually(async () => {
        const { body } = await stack.call('GET', `/api/sms/${id}`, { token });
        return ['sent', 'delivered', 'undelivered', 'failed', 'cancelled'].includes(body?.status) ? body : undefined;
      }, 60_000),
  };
}

/** The body of a 202 (email or text queued with its workflow); throws on any other answer. */
export async function accepted(res: Promise<TestResponse>): Promise<{ id: string; workflowId: string }> {
  const r = await res;
  if (r.status !== 202) throw new Error(`expected 202, got ${r.status}: ${r.text}`);
  return r.body;
}

/** The send calls (Gmail messages.send, Twilio Messages create) the sandbox saw, faults included. */
export async function sendCalls(sandbox: SandboxHarness, provider: 'gmail' | 'twilio'): Promise<number> {
  const calls = await sandbox.requests(provider);
  return calls.filter(
    (r) => r.method === 'POST' && (r.path.endsWith('/messages/send') || r.path.endsWith('/Messages.json')),
  ).length;
}

/**
 * Stripe's checkout.session.completed for an invoice, with a fixed event id: delivering the same
 * object again through POST /_sandbox/stripe/events is a redelivery, as when Stripe retries.
 */
export function paidEvent(
  tenantId: string,
  invoiceId: string,
): { type: string; id: string; object: Record<string, unknown> } {
  const hex = () => randomUUID().replace(/-/g, '');
  return {
    type: 'checkout.session.completed',
    id: `evt_${hex()}`,
    object: {
      id: `cs_test_${hex()}`,
      object: 'checkout.session',
      payment_status: 'paid',
      status: 'complete',
      payment_intent: `pi_${hex().slice(0, 24)}`,
      metadata: { tenantId, invoiceId },
    },
  };
}
