// GET /api/system/status for admins: version, uptime, Temporal with live worker pollers, db, integrations.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DatabasePool } from 'slonik';
import { startApi, type RunningApi } from '../helpers/api';
import { createUser, registerTenant, type SignedInUser } from '../helpers/auth';
import { testConfig } from '../helpers/config';
import { createAppPool } from '../helpers/db';
import { request } from '../helpers/http';
import { startTestWorker } from '../helpers/temporal';
import { pollUntil } from '../helpers/eventually';

let pool: DatabasePool;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let api: RunningApi;
let owner: SignedInUser;
beforeAll(async () => {
  pool = await createAppPool();
  worker = await startTestWorker(testConfig(), pool);
  api = await startApi({ TEMPORAL_TASK_QUEUE: worker.taskQueue });
  owner = await registerTenant(api.server);
});
afterAll(async () => {
  await worker.stop();
  await api.close();
  await pool.end();
});

it('shows an admin the running worker, the database and the integration modes', async () => {
  const admin = await createUser(api.server, owner, 'admin');
  const res = await pollUntil(
    'a worker polling',
    () => request(api.server, 'GET', '/api/system/status', { token: admin.accessToken }),
    (r) => r.body?.temporal?.workerPollers !== 0,
    20_000,
  );
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    version: api.config.version,
    uptimeS: expect.any(Number),
    temporal: {
      address: process.env.TEMPORAL_ADDRESS,
      namespace: 'default',
      taskQueue: worker.taskQueue,
      workerPollers: expect.any(Number),
      taskQueues: [
        { kind: 'reminders', name: worker.taskQueue, workerPollers: expect.any(Number) },
        { kind: 'delivery', name: `${worker.taskQueue}-delivery`, workerPollers: expect.any(Number) },
        { kind: 'agents', name: `${worker.taskQueue}-agents`, workerPollers: expect.any(Number) },
      ],
      ok: true,
    },
    db: { ok: true },
    integrations: { gmail: 'sandbox', calendar: 'sandbox', stripe: 'sandbox', twilio: 'sandbox', anthropic: 'sandbox' },
    services: { nova: 'unconfigured', eli: 'unconfigured' },
  });
  expect(res.body.temporal.workerPollers).toBeGreaterThanOrEqual(1);
  // One process polls all three queues: each is served, and it counts once in all.
  const served = await pollUntil(
    'every queue polled',
    () => request(api.server, 'GET', '/api/system/status', { token: admin.accessToken }),
    (r) =>
      (r.body?.temporal?.taskQueues ?? []).every((q: { workerPollers: number | null }) => (q.workerPollers ?? 0) >= 1),
    20_000,
  );
  expect(served.body.temporal.workerPollers).toBe(1);
});

it('reports the optional outside services: reachable when /health answers 2xx in time, else unreachable', async () => {
  const health = http.createServer((req, res) => {
    if (req.url === '/nova/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (req.url === '/slow/health') {
      // Answers only after the 2 s the status waits.
      setTimeout(() => res.writeHead(200).end(), 4_000).unref();
    } else {
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  const { port } = health.address() as AddressInfo;
  const withServices = await startApi({
    TEMPORAL_TASK_QUEUE: worker.taskQueue,
    NOVA_SERVICE_URL: `http://127.0.0.1:${port}/nova`,
    ELI_SERVICE_URL: `http://127.0.0.1:${port}/broken`,
  });
  const slow = await startApi({
    TEMPORAL_TASK_QUEUE: worker.taskQueue,
    NOVA_SERVICE_URL: `http://127.0.0.1:${port}/slow/`,
  });
  try {
    const res = await request(withServices.server, 'GET', '/api/system/status', { token: owner.accessToken });
    expect(res.body.services).toEqual({ nova: 'reachable', eli: 'unreachable' });
    const started = Date.now();
    const late = await request(slow.server, 'GET', '/api/system/status', { token: owner.accessToken });
    expect(late.body.services).toEqual({ nova: 'unreachable', eli: 'unconfigured' });
    expect(Date.now() - started).toBeLessThan(3_500);
  } finally {
    await withServices.close();
    await slow.close();
    health.closeAllConnections();
    await new Promise<void>((resolve) => health.close(() => resolve()));
  }
});

it('counts no pollers on a task queue no worker serves', async () => {
  const idle = await startApi({ TEMPORAL_TASK_QUEUE: `nobody-${randomUUID()}` });
  try {
    const res = await request(idle.server, 'GET', '/api/system/status', { token: owner.accessToken });
    expect(res.body.temporal).toMatchObject({ workerPollers: 0, ok: true });
  } finally {
    await idle.close();
  }
});

it('refuses staff with 403 and anonymous callers with 401', async () => {
  const staff = await createUser(api.server, owner, 'staff');
  expect((await request(api.server, 'GET', '/api/system/status', { token: staff.accessToken })).status).toBe(403);
  expect((await request(api.server, 'GET', '/api/system/status')).status).toBe(401);
});
