// Brings up what the project needs and runs one thing on top of it:
//   dev   Postgres, Temporal dev server + Web UI, sandbox, migrations, API and worker; Ctrl-C stops all
//   test  an isolated Postgres database and Temporal server, migrations, then jest; then tears down
//   bench the same isolated stack, then the benchmarks
// Reuses an existing Postgres when DATABASE_URL is set and an existing Temporal when
// TEMPORAL_ADDRESS is set. scripts/bootstrap.sh has installed the binaries before this runs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateUp } from '../../src/db/migrate';
import { localSecrets } from './local-secrets';
import { freePort, portOpen, waitFor } from './ports';
import { postgresDataDir, startLocalPostgres } from './postgres';
import { start, stop, typescriptEntry } from './processes';
import { startSandboxProcess } from './sandbox';
import { startTemporalDevServer } from './temporal';
import { readToolsEnv } from './tools-env';

type Mode = 'dev' | 'test' | 'bench';

const ROOT = path.resolve(__dirname, '../..');
const LOOPBACK = '127.0.0.1,localhost,::1';

function log(message: string): void {
  process.stderr.write(`[stack] ${message}\n`);
}

async function choosePort(variable: string, fallback: number, mode: Mode): Promise<number> {
  const given = process.env[variable];
  if (given) return Number(given);
  // Tests and benchmarks take free ports so they can run beside `npm run dev` and each other.
  return mode === 'dev' ? fallback : freePort();
}

/** The stack runs on the Node the project is tested and deployed on (.nvmrc), never the machine's older one. */
function checkNodeMajor(): void {
  const wanted = fs.readFileSync(path.join(ROOT, '.nvmrc'), 'utf8').trim().replace(/^v/, '');
  const running = process.versions.node.split('.')[0];
  if (running !== wanted) {
    throw new Error(
      `the stack runs on Node ${wanted}, this is Node ${process.versions.node}: start it through npm (npm test, npm run dev), ` +
        'or source scripts/use-node.sh first (. scripts/use-node.sh && node --import tsx scripts/stack/main.ts …)',
    );
  }
}

async function main(): Promise<void> {
  checkNodeMajor();
  const mode = process.argv[2] as Mode;
  if (!['dev', 'test', 'bench'].includes(mode)) throw new Error('usage: stack dev|test|bench [args…]');
  const passthrough = process.argv.slice(3);

  const dataDir = path.resolve(ROOT, process.env.DATA_DIR ?? '.data');
  fs.mkdirSync(dataDir, { recursive: true });
  const tools = readToolsEnv(dataDir);
  // Tests get a throwaway directory: their database and Temporal state never touch dev's.
  const runDir = mode === 'dev' ? dataDir : fs.mkdtempSync(path.join(os.tmpdir(), `frontdesk-${mode}-`));
  if (mode !== 'dev') fs.chmodSync(runDir, 0o755); // the postgres user must reach the cluster inside
  const secrets = localSecrets({ persistIn: mode === 'dev' ? dataDir : null });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? (mode === 'dev' ? 'development' : 'test'),
    SANDBOX: process.env.SANDBOX ?? '1',
    NO_PROXY: [process.env.NO_PROXY, LOOPBACK].filter(Boolean).join(','),
    no_proxy: [process.env.no_proxy, LOOPBACK].filter(Boolean).join(','),
    JWT_SECRET_KEY: secrets.JWT_SECRET_KEY,
    ENCRYPTION_KEY: secrets.ENCRYPTION_KEY,
    DEFAULT_TENANT_ID: secrets.DEFAULT_TENANT_ID,
    STRIPE_WEBHOOK_SECRET: secrets.STRIPE_WEBHOOK_SECRET,
    TWILIO_AUTH_TOKEN: secrets.TWILIO_AUTH_TOKEN,
    METRICS_TOKEN: secrets.METRICS_TOKEN,
  };
  if (tools.TEMPORAL_TEST_SERVER_PATH) env.TEMPORAL_TEST_SERVER_PATH ??= tools.TEMPORAL_TEST_SERVER_PATH;
  // For tests that start a dev server of their own (the Temporal UI browser test).
  if (tools.TEMPORAL_CLI) env.TEMPORAL_CLI ??= tools.TEMPORAL_CLI;
  // For the fuzz test (test/fuzz/schemathesis.test.ts).
  if (tools.SCHEMATHESIS_CLI) env.SCHEMATHESIS_CLI ??= tools.SCHEMATHESIS_CLI;
  // The dev server's UI cannot send credentials to the codec: in dev, the API decodes for it
  // without sign-in (from this machine only; the config refuses it in production).
  if (mode === 'dev') env.TEMPORAL_CODEC_LOCAL_DEV ??= '1';
  if (mode !== 'dev') {
    // Every test file calls the API from 127.0.0.1, in parallel: per-IP limits sized for real
    // clients would throttle the suite. Tests of the limits themselves set small ones.
    env.RATE_LIMIT_IP_POINTS ??= '1000000';
    env.RATE_LIMIT_TENANT_POINTS ??= '1000000';
    env.LOGIN_MAX_FAILURES_PER_IP ??= '1000000';
    // The test database is shared by parallel test files: a worker process one of them spawns
    // must not start guardians for every other file's tenants on its own task queue.
    env.GUARDIAN_BOOT_SWEEP ??= '0';
  }

  // Postgres.
  let pg: Awaited<ReturnType<typeof startLocalPostgres>> | null = null;
  if (!process.env.DATABASE_URL) {
    if (!tools.PG_BIN_DIR)
      throw new Error('PostgreSQL binaries unknown: run scripts/bootstrap.sh, or set DATABASE_URL');
    const port = await choosePort('PGPORT', 54329, mode);
    pg = await startLocalPostgres({
      binDir: tools.PG_BIN_DIR,
      dataDir: postgresDataDir(path.join(runDir, 'pg')),
      port,
      database: mode === 'dev' ? 'frontdesk' : `frontdesk_${mode}`,
      passwords: {
        superuser: secrets.PG_SUPERUSER_PASSWORD!,
        owner: secrets.PG_OWNER_PASSWORD!,
        app: secrets.PG_APP_PASSWORD!,
      },
      fast: mode !== 'dev',
    });
    env.DATABASE_URL = pg.appUrl;
    env.MIGRATION_DATABASE_URL = pg.ownerUrl;
    env.PG_ADMIN_URL = pg.adminUrl;
    log(`Postgres on 127.0.0.1:${port}`);
  }
  await migrateUp({ databaseUrl: env.MIGRATION_DATABASE_URL ?? (env.DATABASE_URL as string) });
  log('migrations applied');

  // Temporal.
  const apiPort = await choosePort('PORT', 3000, mode);
  env.PORT = String(apiPort);
  env.PUBLIC_BASE_URL ??= `http://127.0.0.1:${apiPort}`;
  let temporal: Awaited<ReturnType<typeof startTemporalDevServer>> | null = null;
  if (!process.env.TEMPORAL_ADDRESS) {
    if (!tools.TEMPORAL_CLI) throw new Error('temporal CLI unknown: run scripts/bootstrap.sh, or set TEMPORAL_ADDRESS');
    const port = await choosePort('TEMPORAL_PORT', 7233, mode);
    const uiPort = mode === 'dev' ? await choosePort('TEMPORAL_UI_PORT', 8233, mode) : null;
    temporal = await startTemporalDevServer({
      cli: tools.TEMPORAL_CLI,
      port,
      uiPort,
      dbFile: mode === 'dev' ? path.join(dataDir, 'temporal.db') : null,
      // The UI decrypts payloads through the API (same host as the UI, so the codec session
      // cookie goes along); see the README's ops runbook.
      ...(uiPort !== null ? { codecEndpoint: `${env.PUBLIC_BASE_URL}/api/temporal/codec` } : {}),
      quiet: mode !== 'dev',
    });
    env.TEMPORAL_ADDRESS = temporal.address;
    // The app reads Temporal settings as the CLI does, also from ~/.config/temporalio/temporal.toml:
    // a developer's Cloud profile there must not lend its API key or TLS to this local server. The
    // stack's own file names the server (`TEMPORAL_CONFIG_FILE=<it> temporal workflow list` works too).
    const configFile = path.join(runDir, 'temporal.toml');
    fs.writeFileSync(
      configFile,
      `# Written by scripts/stack for the dev server it runs.\n[profile.default]\naddress = "${temporal.address}"\nnamespace = "default"\n`,
    );
    env.TEMPORAL_CONFIG_FILE = configFile;
    delete env.TEMPORAL_PROFILE;
    if (temporal.uiUrl) env.TEMPORAL_UI_URL = temporal.uiUrl;
    log(`Temporal on ${temporal.address}${temporal.uiUrl ? `, Web UI on ${temporal.uiUrl}` : ''}`);
  }

  // The provider sandbox, before anything that calls a provider. A SANDBOX_URL given from outside
  // means one is already running.
  let sandboxChild: Awaited<ReturnType<typeof startSandboxProcess>>['child'] | null = null;
  if (/^(1|true|yes)$/i.test(env.SANDBOX ?? '') && !process.env.SANDBOX_URL) {
    const sandbox = await startSandboxProcess({
      root: ROOT,
      env,
      port: await choosePort('SANDBOX_PORT', 4010, mode),
      apiPort,
      quiet: mode !== 'dev',
    });
    sandboxChild = sandbox.child;
    env.SANDBOX_URL = sandbox.url;
    log(`provider sandbox on ${sandbox.url}`);
  }

  let exitCode: number;
  if (mode === 'test' || mode === 'bench') {
    const [command, args] =
      mode === 'test'
        ? [path.join(ROOT, 'node_modules/.bin/jest'), passthrough]
        : typescriptEntry(path.join(ROOT, 'bench/main.ts'), passthrough);
    exitCode = await new Promise<number>((resolve) => {
      const child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit' });
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } else {
    exitCode = await runDev(env, apiPort);
  }

  if (sandboxChild) await stop(sandboxChild);
  await temporal?.stop();
  // Before its directory goes: pg_ctl needs the cluster's postmaster.pid to stop it.
  pg?.stop();
  if (mode !== 'dev') fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
  process.exit(exitCode);
}

async function runDev(env: NodeJS.ProcessEnv, apiPort: number): Promise<number> {
  const devEnv = { ...env, LOG_PRETTY: env.LOG_PRETTY ?? '1', LOG_LEVEL: env.LOG_LEVEL ?? 'info' };
  const worker = start('worker', ...typescriptEntry(path.join(ROOT, 'src/worker.ts')), { cwd: ROOT, env: devEnv });
  const api = start('api', ...typescriptEntry(path.join(ROOT, 'src/api/server.ts')), { cwd: ROOT, env: devEnv });
  await waitFor('API', () => portOpen(apiPort), 120_000);

  log('');
  log('Frontdesk is up:');
  log(`  API          http://localhost:${apiPort}/api/health/`);
  // Not rewritten to localhost: the UI must share the API's host for the codec session cookie.
  if (env.TEMPORAL_UI_URL)
    log(
      `  Temporal UI  ${env.TEMPORAL_UI_URL} (payloads decrypted by ${env.PUBLIC_BASE_URL}/api/temporal/codec: README, ops runbook)`,
    );
  log(`  Temporal     ${env.TEMPORAL_ADDRESS}`);
  if (env.SANDBOX_URL) log(`  Sandbox      ${env.SANDBOX_URL.replace('127.0.0.1', 'localhost')}/_sandbox/sent`);
  log(`  Postgres     ${redactUrl(env.DATABASE_URL ?? '')}`);
  log('Ctrl-C stops everything.');

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = async (code: number) => {
      if (stopping) return;
      stopping = true;
      log('stopping…');
      await Promise.all([stop(api), stop(worker)]);
      resolve(code);
    };
    process.on('SIGINT', () => void shutdown(0));
    process.on('SIGTERM', () => void shutdown(0));
    for (const [name, child] of [
      ['api', api],
      ['worker', worker],
    ] as const) {
      child.on('exit', (code) => {
        if (!stopping) {
          log(`${name} exited (${code}); stopping the stack`);
          void shutdown(code || 1);
        }
      });
    }
  });
}

function redactUrl(url: string): string {
  return url.replace(/:\/\/([^:]+):[^@]+@/, '://$1:***@');
}

main().catch((err: unknown) => {
  log(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
