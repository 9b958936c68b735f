// Read routes from outside: autocannon in its own process against the API and against a bare Koa
// server that runs the same queries on the same Postgres through node-postgres, both sides
// interleaved and repeated (API, bare, API, bare…), the best round of each side compared.
//
//   GET /api/health/db           vs  bare GET /health/db   (SELECT 1)
//   GET /api/clients?limit=50     vs  bare GET /clients     (the same 51-row select in a transaction
//                                                            that sets app.tenant_id, as RLS needs)
//   GET /api/auth/me, 1 connection: median latency (goal < 1.5 ms), bare: the user and tenant rows
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Koa from 'koa';
import pg from 'pg';
import { listen, type TestServer } from '../test/helpers/http';

const run = promisify(execFile);
const AUTOCANNON = path.resolve(__dirname, '../node_modules/autocannon/autocannon.js');

export interface LoadRun {
  rate: number;
  /** autocannon's percentiles are whole milliseconds; the mean is exact. */
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
}

/** One autocannon run in a child process (its own CPU time, not the server's). */
async function load(url: string, options: { connections: number; seconds: number; token?: string }): Promise<LoadRun> {
  const args = [AUTOCANNON, '-j', '-c', String(options.connections), '-d', String(options.seconds)];
  if (options.token) args.push('-H', `Authorization=Bearer ${options.token}`);
  args.push(url);
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 2 ** 20 });
  const out = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { average: number; p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  if (out.non2xx > 0 || out.errors > 0)
    throw new Error(`${url}: ${out.non2xx} non-2xx answers, ${out.errors} errors under load`);
  return {
    rate: Math.round(out.requests.average),
    meanMs: out.latency.average,
    p50Ms: out.latency.p50,
    p99Ms: out.latency.p99,
  };
}

/** The bare server: Koa, node-postgres, nothing else. */
async function bareServer(databaseUrl: string, poolSize: number): Promise<{ server: TestServer; pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.path === '/health/db') {
      const started = performance.now();
      await pool.query('SELECT 1');
      ctx.body = { status: 'ok', latencyMs: performance.now() - started };
    } else if (ctx.path === '/clients' || ctx.path === '/me') {
      const tenantId = String(ctx.query.tenant);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
        const rows =
          ctx.path === '/clients'
            ? (
                await client.query(
                  `SELECT id, tenant_id, name, email, phone, timezone, notes, sms_consent, sms_consent_at, sms_consent_source,
                          created_at, updated_at, lower(name) AS cursor_name
                     FROM clients ORDER BY lower(name), id LIMIT 51`,
                )
              ).rows
            : [
                (
                  await client.query('SELECT id, tenant_id, email, role, created_at FROM users WHERE id = $1', [
                    String(ctx.query.user),
                  ])
                ).rows[0],
                (await client.query('SELECT * FROM tenants WHERE id = $1', [tenantId])).rows[0],
              ];
        await client.query('COMMIT');
        ctx.body =
          ctx.path === '/clients' ? { data: rows.slice(0, 50), nextCursor: null } : { user: rows[0], tenant: rows[1] };
      } finally {
        client.release();
      }
    } else {
      ctx.status = 404;
    }
  });
  return { server: await listen(app), pool };
}

export interface ReadComparison {
  api: LoadRun;
  bare: LoadRun;
  rateRatio: number;
  p99Ratio: number;
  rounds: { api: LoadRun[]; bare: LoadRun[] };
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

async function compare(
  apiUrl: string,
  bareUrl: string,
  options: { connections: number; seconds: number; rounds: number; token?: string },
): Promise<ReadComparison> {
  const api: LoadRun[] = [];
  const bare: LoadRun[] = [];
  // A short warm-up of each side (JIT, connections, plans) before anything counts.
  await load(apiUrl, { ...options, seconds: 1 });
  await load(bareUrl, { ...options, seconds: 1 });
  for (let i = 0; i < options.rounds; i++) {
    api.push(await load(apiUrl, options));
    bare.push(await load(bareUrl, options));
  }
  const best = (runs: LoadRun[]) => runs.reduce((a, b) => (b.rate > a.rate ? b : a));
  const a = best(api);
  const b = best(bare);
  return {
    api: a,
    bare: b,
    rateRatio: ratio(a.rate, b.rate),
    p99Ratio: ratio(a.p99Ms, b.p99Ms),
    rounds: { api, bare },
  };
}

export async function benchReads(input: {
  apiServer: TestServer;
  databaseUrl: string;
  poolSize: number;
  token: string;
  tenantId: string;
  userId: string;
  connections: number;
  seconds: number;
  rounds: number;
}): Promise<{ healthDb: ReadComparison; clientsList: ReadComparison; oneConnectionMe: ReadComparison }> {
  const bare = await bareServer(input.databaseUrl, input.poolSize);
  try {
    const settings = { connections: input.connections, seconds: input.seconds, rounds: input.rounds };
    const healthDb = await compare(`${input.apiServer.url}/api/health/db`, `${bare.server.url}/health/db`, settings);
    const clientsList = await compare(
      `${input.apiServer.url}/api/clients?limit=50`,
      `${bare.server.url}/clients?tenant=${input.tenantId}`,
      {
        ...settings,
        token: input.token,
      },
    );
    const oneConnectionMe = await compare(
      `${input.apiServer.url}/api/auth/me`,
      `${bare.server.url}/me?tenant=${input.tenantId}&user=${input.userId}`,
      {
        ...settings,
        connections: 1,
        token: input.token,
      },
    );
    return { healthDb, clientsList, oneConnectionMe };
  } finally {
    await bare.server.close();
    await bare.pool.end();
  }
}
