// GET /api/guardian when no worker answers the workflow's query: the API still answers at once
// with what Postgres holds (the last stored pass and the pause last asked for), and says so.
import { insertGuardianReport } from '../../src/db/guardian-reports';
import { withTenant } from '../../src/db/tenant-transaction';
import type { GuardianReport } from '../../src/domain/guardian';
import { guardianWorkflowId } from '../../src/domain/workflow-ids';
import { startApi, type RunningApi } from '../helpers/api';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { request } from '../helpers/http';

let api: RunningApi;
let owner: SignedInUser;

beforeAll(async () => {
  // The guardian starts on the stack's default task queue, which no test worker polls.
  api = await startApi();
  owner = await registerTenant(api.server, { businessName: 'Unanswered Salon' });
});

afterAll(() => api?.close());

const view = async () => {
  const res = await request(api.server, 'GET', '/api/guardian', { token: owner.accessToken });
  expect(res.status).toBe(200);
  return res.body;
};

it('answers from Postgres while no worker polls: the last stored report and the recorded pause', async () => {
  expect(await view()).toEqual({
    workflowId: guardianWorkflowId(owner.tenantId),
    state: 'running',
    lastRunAt: null,
    nextRunAt: null,
    lastReport: null,
    answering: false,
  });

  const report: GuardianReport = {
    pass: 7,
    trigger: 'schedule',
    startedAt: '2026-11-20T10:00:00.000Z',
    finishedAt: '2026-11-20T10:00:02.000Z',
    checks: [
      { name: 'postgres', status: 'ok', detail: 'Reachable (2 ms)' },
      { name: 'gmail', status: 'fail', detail: 'Gmail access was revoked (invalid_grant): connect it again' },
    ],
    flaggedThreads: [],
  };
  await withTenant(api.pool, owner.tenantId, (db) =>
    insertGuardianReport(db, owner.tenantId, report, '2026-11-20T10:05:00.000Z'),
  );
  expect(await view()).toEqual({
    workflowId: guardianWorkflowId(owner.tenantId),
    state: 'running',
    lastRunAt: report.finishedAt,
    nextRunAt: '2026-11-20T10:05:00.000Z',
    lastReport: { ...report, status: 'fail' },
    answering: false,
  });

  const paused = await request(api.server, 'POST', '/api/guardian/pause', { token: owner.accessToken });
  expect(paused.status).toBe(200);
  expect(await view()).toMatchObject({ state: 'paused', nextRunAt: null, lastReport: report, answering: false });
}, 30_000);

it('says stopped when no guardian workflow runs, and run-now starts one', async () => {
  await api.temporal.workflow.getHandle(guardianWorkflowId(owner.tenantId)).terminate('ops stopped it');
  expect(await view()).toMatchObject({ state: 'stopped', nextRunAt: null, answering: false });
  const res = await request(api.server, 'POST', '/api/guardian/run-now', { token: owner.accessToken });
  expect(res.status).toBe(202);
  const description = await api.temporal.workflow.getHandle(guardianWorkflowId(owner.tenantId)).describe();
  expect(description.status.name).toBe('RUNNING');
}, 30_000);
