// GET /api/calendar/ping end to end: HTTP in, a calendarPing workflow on the real worker, the
// Calendar API as the sandbox speaks it (through googleapis), faults injected at the sandbox.
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import { eventually } from '../helpers/sandbox';

let e2e: E2E;
let owner: SignedInUser;

beforeAll(async () => {
  e2e = await startE2E();
  owner = await registerTenant(e2e.server, { businessName: 'Calendar Test Clinic' });
});

afterAll(() => e2e?.close());

it("answers ok with the primary calendar's id when Calendar answers, through a workflow of the tenant", async () => {
  const res = await e2e.call('GET', '/api/calendar/ping', { token: owner.accessToken });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'ok', calendarId: owner.email });
  const calls = await e2e.sandbox.requests('calendar');
  expect(calls.at(-1)).toMatchObject({
    method: 'GET',
    path: expect.stringContaining('/calendars/primary/events'),
    status: 200,
  });
  // Ops see the ping among the business's workflows (the visibility store is eventually consistent).
  const pings = await eventually(async () => {
    const list = await e2e.call('GET', '/api/workflows?type=calendarPing', { token: owner.accessToken });
    return list.body.items.length > 0 ? list.body.items : undefined;
  });
  expect(pings).toEqual([
    expect.objectContaining({
      type: 'calendarPing',
      status: 'completed',
      workflowId: expect.stringMatching(`^calendar-ping:${owner.tenantId}:`),
    }),
  ]);
});

it('answers 503 naming the failure when Calendar keeps failing', async () => {
  await e2e.sandbox.fault({ provider: 'calendar', status: 503, count: 2 });
  const res = await e2e.call('GET', '/api/calendar/ping', { token: owner.accessToken });
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.detail).toMatch(
    /^Google Calendar did not answer: server_error: calendar events.list failed \(HTTP 503\)/,
  );
});

it('answers 503 when no worker takes the ping', async () => {
  await e2e.stopWorker();
  try {
    const res = await e2e.call('GET', '/api/calendar/ping', { token: owner.accessToken });
    expect(res.status).toBe(503);
    expect(res.body.detail).toMatch(/no worker ran the ping within 20 s/);
  } finally {
    await e2e.startWorker();
  }
});

it('needs a token', async () => {
  expect((await e2e.call('GET', '/api/calendar/ping')).status).toBe(401);
});
