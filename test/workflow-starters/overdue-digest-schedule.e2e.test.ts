// The overdue digest is the Temporal Schedule `overdue-digest`: made sure of idempotently (created,
// then left as it is, updated when the config changes, keeping a pause ops set), and triggering it
// runs a pass on the real worker that emails the owner one digest through the sandbox's Gmail, and
// nothing more on a second pass the same day. A namespace of its own, so no other test file's
// worker touches the Schedule.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { findInvoice, markInvoiceOverdue } from '../../src/db/invoices';
import { withTenant } from '../../src/db/tenant-transaction';
import { OVERDUE_DIGEST_SCHEDULE_ID } from '../../src/domain/workflow-ids';
import { ensureOverdueDigestSchedule } from '../../src/workflow-starters/overdue-digest';
import type { OverdueDigestPassResult } from '../../src/workflows/overdue-digest-pass.contract';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import { eventually } from '../helpers/eventually';
import { connectGmail } from '../helpers/mailbox';
import { connectClient, createTestNamespace } from '../helpers/temporal';

const DAY = 86_400_000;
let e2e: E2E;
let owner: SignedInUser;

/** A zone where this morning's 08:00 has passed and the day is far from over. */
function zoneAfterNineToday(): string {
  for (const zone of [
    'Pacific/Kiritimati',
    'Asia/Tokyo',
    'Asia/Kolkata',
    'Europe/London',
    'America/New_York',
    'Pacific/Honolulu',
    'Pacific/Pago_Pago',
  ]) {
    const hour = DateTime.now().setZone(zone).hour;
    if (hour >= 9 && hour <= 21) return zone;
  }
  throw new Error('no zone found');
}

beforeAll(async () => {
  const bootstrap = await connectClient();
  let namespace: string;
  try {
    namespace = await createTestNamespace(bootstrap.connection, undefined, 'digest');
  } finally {
    await bootstrap.connection.close();
  }
  e2e = await startE2E({ TEMPORAL_NAMESPACE: namespace });
  owner = await registerTenant(e2e.server, { businessName: 'Digest Studio', timezone: zoneAfterNineToday() });
  await connectGmail(e2e.call, owner);
});

afterAll(() => e2e?.close());

const schedule = () => e2e.temporal.schedule.getHandle(OVERDUE_DIGEST_SCHEDULE_ID);
const toOwner = async () => (await e2e.sandbox.sent('gmail')).filter((m: { to: string }) => m.to.includes(owner.email));

/** Triggers the Schedule and answers the result of the pass it started. */
async function triggeredPass(): Promise<OverdueDigestPassResult> {
  const taken = (await schedule().describe()).info.numActionsTaken;
  await schedule().trigger();
  const described = await eventually(
    async () => {
      const d = await schedule().describe();
      return d.info.numActionsTaken > taken ? d : undefined;
    },
    20_000,
    'the trigger counted',
  );
  const latest = described.info.recentActions.at(-1)!;
  return e2e.temporal.workflow
    .getHandle<() => Promise<OverdueDigestPassResult>>(latest.action.workflow.workflowId)
    .result();
}

async function overdueInvoice(clientId: string, amountCents: number, description: string): Promise<string> {
  const res = await e2e.call('POST', '/api/invoices', {
    token: owner.accessToken,
    json: {
      clientId,
      amountCents,
      currency: 'usd',
      description,
      dueDate: DateTime.now().plus({ days: 30 }).toISODate(),
    },
  });
  expect(res.status).toBe(201);
  // Flagged overdue yesterday, as its reminder workflow would have after its last step.
  await withTenant(e2e.pool, owner.tenantId, (db) => markInvoiceOverdue(db, res.body.id, new Date(Date.now() - DAY)));
  return res.body.id as string;
}

it('is created once with an hourly pass that skips overlaps, then left as it is', async () => {
  expect(await ensureOverdueDigestSchedule(e2e.temporal, e2e.config)).toBe('created');
  const described = await schedule().describe();
  expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 3_600_000 })]);
  expect(described.action).toMatchObject({
    type: 'startWorkflow',
    workflowType: 'overdueDigestPass',
    workflowId: 'overdue-digest-pass',
    taskQueue: e2e.config.temporal.taskQueue,
    args: [{ emailRetry: e2e.config.emailRetry }],
  });
  expect(described.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 3_600_000 });
  expect(await ensureOverdueDigestSchedule(e2e.temporal, e2e.config)).toBe('unchanged');
  expect((await schedule().describe()).raw.conflictToken).toEqual(described.raw.conflictToken);
});

it("a triggered pass emails the owner one digest of the business's overdue invoices, and a second pass that day nothing", async () => {
  const client = await e2e.call('POST', '/api/clients', {
    token: owner.accessToken,
    json: { name: 'Maya Client', email: `maya-${randomUUID()}@client.example` },
  });
  expect(client.status).toBe(201);
  const ids = [
    await overdueInvoice(client.body.id, 8_400, 'Deep tissue massage'),
    await overdueInvoice(client.body.id, 4_200, 'Hot stone add-on'),
  ];

  const first = await triggeredPass();
  expect(first.digests).toBeGreaterThanOrEqual(1);
  const mails = await eventually(
    async () => ((await toOwner()).length > 0 ? toOwner() : undefined),
    30_000,
    'the digest in the sandbox',
  );
  expect(mails).toHaveLength(1);
  expect(mails[0]).toMatchObject({ subject: '2 invoices overdue, $126.00' });
  expect(mails[0].text).toContain('- Maya Client: $84.00');
  expect(mails[0].text).toContain('(Deep tissue massage)');
  expect(mails[0].text).toContain('- Maya Client: $42.00');
  for (const id of ids)
    expect((await withTenant(e2e.pool, owner.tenantId, (db) => findInvoice(db, id)))?.overdueAt).not.toBeNull();

  // A second pass the same day (a trigger by ops, an overlap): the business has had its digest.
  await overdueInvoice(client.body.id, 1_000, 'Another one');
  expect(await triggeredPass()).toMatchObject({ at: expect.any(String) });
  expect(await toOwner()).toHaveLength(1);
});

it('a changed email backoff updates the Schedule, and a pause set by ops is kept', async () => {
  await schedule().pause('paused by ops for the test');
  const config = { ...e2e.config, emailRetry: { ...e2e.config.emailRetry, budgetMs: 2 * DAY } };
  expect(await ensureOverdueDigestSchedule(e2e.temporal, config)).toBe('updated');
  const described = await schedule().describe();
  expect(described.action).toMatchObject({ args: [{ emailRetry: { budgetMs: 2 * DAY } }] });
  expect(described.state.paused).toBe(true);
  expect(await ensureOverdueDigestSchedule(e2e.temporal, config)).toBe('unchanged');
});
