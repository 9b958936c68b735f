// /api/workflows end to end: the real API, worker and Temporal dev server. Each business sees and
// touches only its own executions (TenantId search attribute), signals are limited to what the
// workflow type declares, and cancel/terminate leave who and why in the audit log, never in
// Temporal's (unencrypted) event fields.
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { TenantIdKey } from '../../src/domain/search-attributes';
import { createUser, registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import { eventually } from '../helpers/sandbox';

let e2e: E2E;
let ownerA: SignedInUser;
let adminA: SignedInUser;
let staffA: SignedInUser;
let ownerB: SignedInUser;

interface Invoice {
  id: string;
  workflowId: string;
}

/** An invoice due in a month: its workflow makes the payment link, then waits on a timer. */
async function createInvoice(owner: SignedInUser): Promise<Invoice> {
  const client = await e2e.call('POST', '/api/clients', {
    token: owner.accessToken,
    json: { name: 'Noor Client', email: `noor-${randomUUID()}@client.example`, timezone: 'Europe/London' },
  });
  expect(client.status).toBe(201);
  const res = await e2e.call('POST', '/api/invoices', {
    token: owner.accessToken,
    json: {
      clientId: client.body.id,
      amountCents: 6_000,
      currency: 'usd',
      description: 'Facial',
      dueDate: DateTime.utc().plus({ days: 30 }).toISODate(),
      scheduleDays: [0, 7],
    },
  });
  expect(res.status).toBe(201);
  return res.body as Invoice;
}

const path = (workflowId: string, suffix = '') => `/api/workflows/${encodeURIComponent(workflowId)}${suffix}`;
const detail = (user: SignedInUser, workflowId: string) =>
  e2e.call('GET', path(workflowId), { token: user.accessToken });

/** Until the workflow's status query reports `state` (the worker has picked it up). */
async function stateBecomes(workflowId: string, state: string): Promise<any> {
  return eventually(async () => {
    const res = await detail(adminA, workflowId);
    return res.body?.state?.state === state ? res.body : undefined;
  }, 20_000);
}

async function auditOf(workflowId: string, action: string): Promise<any[]> {
  const res = await e2e.call(
    'GET',
    `/api/audit?target=${encodeURIComponent(`workflow:${workflowId}`)}&action=${action}`,
    { token: ownerA.accessToken },
  );
  expect(res.status).toBe(200);
  return res.body.items;
}

let invoiceA: Invoice;
let invoiceB: Invoice;

beforeAll(async () => {
  e2e = await startE2E();
  ownerA = await registerTenant(e2e.server, { businessName: 'Studio A' });
  adminA = await createUser(e2e.server, ownerA, 'admin');
  staffA = await createUser(e2e.server, ownerA, 'staff');
  ownerB = await registerTenant(e2e.server, { businessName: 'Studio B' });
  invoiceA = await createInvoice(ownerA);
  invoiceB = await createInvoice(ownerB);
});

afterAll(() => e2e?.close());

describe('GET /api/workflows', () => {
  it("lists the business's own executions, and only those", async () => {
    const items = await eventually(async () => {
      const res = await e2e.call('GET', '/api/workflows', { token: adminA.accessToken });
      expect(res.status).toBe(200);
      return res.body.items.some((i: { workflowId: string }) => i.workflowId === invoiceA.workflowId)
        ? res.body.items
        : undefined;
    }, 20_000);
    expect(items.find((i: { workflowId: string }) => i.workflowId === invoiceA.workflowId)).toEqual({
      workflowId: invoiceA.workflowId,
      runId: expect.any(String),
      type: 'paymentReminder',
      status: 'running',
      startTime: expect.stringMatching(/Z$/),
      closeTime: null,
    });
    for (const item of items) expect(item.workflowId).toContain(ownerA.tenantId);
    const forB = await e2e.call('GET', '/api/workflows', { token: ownerB.accessToken });
    expect(forB.text).not.toContain(ownerA.tenantId);
    expect(forB.text).not.toContain(invoiceA.workflowId);
  });

  it('filters by type and status, and pages with a cursor', async () => {
    const reminders = await e2e.call('GET', '/api/workflows?type=paymentReminder&status=running', {
      token: adminA.accessToken,
    });
    expect(reminders.body.items.map((i: { workflowId: string }) => i.workflowId)).toContain(invoiceA.workflowId);
    const emails = await e2e.call('GET', '/api/workflows?type=emailDelivery', { token: adminA.accessToken });
    expect(emails.body.items.every((i: { type: string }) => i.type === 'emailDelivery')).toBe(true);
    const done = await e2e.call('GET', '/api/workflows?status=completed', { token: adminA.accessToken });
    expect(done.body.items.map((i: { workflowId: string }) => i.workflowId)).not.toContain(invoiceA.workflowId);

    await createInvoice(ownerA);
    const first = await eventually(async () => {
      const res = await e2e.call('GET', '/api/workflows?type=paymentReminder&limit=1', { token: adminA.accessToken });
      return res.body.nextCursor ? res.body : undefined;
    }, 20_000);
    expect(first.items).toHaveLength(1);
    const second = await e2e.call('GET', `/api/workflows?type=paymentReminder&limit=1&cursor=${first.nextCursor}`, {
      token: adminA.accessToken,
    });
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].workflowId).not.toBe(first.items[0].workflowId);

    // A cursor is good only for the list and the business that produced it; anything else is a
    // 422 at once, never a call Temporal retries.
    const [token, mac] = (first.nextCursor as string).split('.');
    const forged = ['Zm9v', `${token}.${'A'.repeat(22)}`, `${Buffer.from('other token').toString('base64url')}.${mac}`];
    for (const cursor of forged) {
      const res = await e2e.call('GET', `/api/workflows?type=paymentReminder&limit=1&cursor=${cursor}`, {
        token: adminA.accessToken,
      });
      expect({ cursor, status: res.status, paths: res.body.errors?.map((e: { path: string }) => e.path) }).toEqual({
        cursor,
        status: 422,
        paths: ['cursor'],
      });
    }
    const otherFilter = await e2e.call('GET', `/api/workflows?type=emailDelivery&limit=1&cursor=${first.nextCursor}`, {
      token: adminA.accessToken,
    });
    expect(otherFilter.status).toBe(422);
    const otherTenant = await e2e.call(
      'GET',
      `/api/workflows?type=paymentReminder&limit=1&cursor=${first.nextCursor}`,
      { token: ownerB.accessToken },
    );
    expect(otherTenant.status).toBe(422);
  });

  it('refuses an unknown type or status with 422 naming it, and staff with 403', async () => {
    const bad = await e2e.call('GET', '/api/workflows?type=somethingElse&status=sleeping', {
      token: adminA.accessToken,
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['status', 'type']);
    expect((await e2e.call('GET', '/api/workflows', { token: staffA.accessToken })).status).toBe(403);
  });
});

describe('GET /api/workflows/:workflowId', () => {
  it('shows status, search attributes, pending activities and the state from the status query', async () => {
    const body = await eventually(async () => {
      const res = await detail(adminA, invoiceA.workflowId);
      expect(res.status).toBe(200);
      // The route describes first and queries after, so one read can catch the link activity
      // finishing in between: wait for the settled view, link made and nothing pending.
      return res.body.state?.paymentUrl && res.body.pendingActivities.length === 0 ? res.body : undefined;
    }, 20_000);
    expect(body).toMatchObject({
      workflowId: invoiceA.workflowId,
      type: 'paymentReminder',
      status: 'running',
      closeTime: null,
      searchAttributes: { TenantId: ownerA.tenantId, InvoiceId: invoiceA.id, ClientId: expect.any(String) },
      pendingActivities: [],
      state: { state: 'scheduled', outcome: null, nextReminderAt: expect.any(String), sent: [] },
    });
  });
});

describe("another business's workflow", () => {
  it('is 404 problem+json on every /api/workflows route, and is left untouched', async () => {
    const calls = [
      ['GET', path(invoiceB.workflowId), undefined, adminA],
      ['POST', path(invoiceB.workflowId, '/signal'), { name: 'pause' }, adminA],
      ['POST', path(invoiceB.workflowId, '/cancel'), { reason: 'guessing ids' }, adminA],
      ['POST', path(invoiceB.workflowId, '/terminate'), { reason: 'guessing ids' }, ownerA],
    ] as const;
    for (const [method, url, json, user] of calls) {
      const res = await e2e.call(method, url, { token: user.accessToken, ...(json ? { json } : {}) });
      expect({ url, status: res.status, type: res.headers['content-type'] }).toEqual({
        url,
        status: 404,
        type: expect.stringMatching(/problem\+json/),
      });
    }
    // B still sees its workflow running and not paused.
    const own = await eventually(async () => {
      const res = await detail(ownerB, invoiceB.workflowId);
      return res.body?.state ? res.body : undefined;
    }, 20_000);
    expect(own).toMatchObject({ status: 'running', state: { state: 'scheduled' } });
  });

  it('is 404 too for an id of the caller that does not exist, and for an id naming another tenant', async () => {
    expect((await detail(adminA, `invoice:${ownerA.tenantId}:${randomUUID()}`)).status).toBe(404);
    expect((await detail(adminA, `invoice:${ownerA.tenantId}:${invoiceB.id}`)).status).toBe(404);
    // A workflow id that names A's tenant but was started with B's TenantId is still B's.
    const forged = `invoice:${ownerA.tenantId}:${randomUUID()}`;
    await e2e.temporal.workflow.start('paymentReminder', {
      workflowId: forged,
      taskQueue: `nobody-${randomUUID()}`,
      args: [{}],
      typedSearchAttributes: [{ key: TenantIdKey, value: ownerB.tenantId }],
    });
    expect((await detail(adminA, forged)).status).toBe(404);
    await e2e.temporal.workflow.getHandle(forged).terminate('test cleanup');
  });
});

describe('POST /api/workflows/:workflowId/signal', () => {
  it('refuses a signal the workflow type does not declare, and bad arguments, with 422', async () => {
    for (const name of ['paid', 'void', 'reschedule', 'selfDestruct']) {
      const res = await e2e.call('POST', path(invoiceA.workflowId, '/signal'), {
        token: adminA.accessToken,
        json: { name },
      });
      expect({ name, status: res.status }).toEqual({ name, status: 422 });
      expect(res.body.errors).toEqual([{ path: 'name', message: expect.stringContaining('allowed: pause, resume') }]);
    }
    const args = await e2e.call('POST', path(invoiceA.workflowId, '/signal'), {
      token: adminA.accessToken,
      json: { name: 'pause', args: [{ until: 'tomorrow' }] },
    });
    expect(args.status).toBe(422);
    expect(args.body.errors[0].path).toBe('args');
    expect(await auditOf(invoiceA.workflowId, 'workflow.signalled')).toEqual([]);
    expect((await detail(adminA, invoiceA.workflowId)).body.state.state).toBe('scheduled');
  });

  it('pauses and resumes a payment reminder, and audits each signal', async () => {
    const pause = await e2e.call('POST', path(invoiceA.workflowId, '/signal'), {
      token: adminA.accessToken,
      json: { name: 'pause' },
    });
    expect(pause.status).toBe(202);
    expect(pause.body).toEqual({
      workflowId: invoiceA.workflowId,
      runId: expect.any(String),
      action: 'signal',
      signal: 'pause',
    });
    await stateBecomes(invoiceA.workflowId, 'paused');
    const resume = await e2e.call('POST', path(invoiceA.workflowId, '/signal'), {
      token: adminA.accessToken,
      json: { name: 'resume', args: [] },
    });
    expect(resume.status).toBe(202);
    await stateBecomes(invoiceA.workflowId, 'scheduled');
    const audited = await auditOf(invoiceA.workflowId, 'workflow.signalled');
    expect(audited.map((e) => [e.actorId, e.detail.signal])).toEqual([
      [adminA.userId, 'resume'],
      [adminA.userId, 'pause'],
    ]);
  });
});

describe('cancel and terminate', () => {
  it('cancels on an admin request: the workflow ends cancelled, the reason is audited and not stored in Temporal', async () => {
    const invoice = await createInvoice(ownerA);
    await stateBecomes(invoice.workflowId, 'scheduled');
    const reason = `Client paid at the desk ${randomUUID()}`;
    const res = await e2e.call('POST', path(invoice.workflowId, '/cancel'), {
      token: adminA.accessToken,
      json: { reason },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ workflowId: invoice.workflowId, action: 'cancel' });
    const closed = await eventually(async () => {
      const d = await detail(adminA, invoice.workflowId);
      return d.body.status === 'cancelled' ? d.body : undefined;
    }, 20_000);
    expect(closed.closeTime).toEqual(expect.any(String));
    expect(closed.state).toBeNull();
    const [entry] = await auditOf(invoice.workflowId, 'workflow.cancel_requested');
    expect(entry).toMatchObject({ actorId: adminA.userId, detail: { reason, type: 'paymentReminder' } });

    // Temporal's own record names who (by id), never the free-text reason.
    const raw = new Client({ connection: e2e.temporal.connection });
    const history = JSON.stringify(await raw.workflow.getHandle(invoice.workflowId).fetchHistory());
    expect(history).toContain(adminA.userId);
    expect(history).not.toContain(reason);

    const again = await e2e.call('POST', path(invoice.workflowId, '/signal'), {
      token: adminA.accessToken,
      json: { name: 'pause' },
    });
    expect(again.status).toBe(409);
    expect(
      (await e2e.call('POST', path(invoice.workflowId, '/cancel'), { token: adminA.accessToken, json: { reason } }))
        .status,
    ).toBe(409);
  });

  it('terminates for an owner only, with the reason in the audit log', async () => {
    const invoice = await createInvoice(ownerA);
    await stateBecomes(invoice.workflowId, 'scheduled');
    const reason = 'Stuck after a bad deploy';
    expect(
      (await e2e.call('POST', path(invoice.workflowId, '/terminate'), { token: adminA.accessToken, json: { reason } }))
        .status,
    ).toBe(403);
    const res = await e2e.call('POST', path(invoice.workflowId, '/terminate'), {
      token: ownerA.accessToken,
      json: { reason },
    });
    expect(res.status).toBe(202);
    expect((await detail(adminA, invoice.workflowId)).body.status).toBe('terminated');
    const [entry] = await auditOf(invoice.workflowId, 'workflow.terminated');
    expect(entry).toMatchObject({ actorId: ownerA.userId, detail: { reason } });
  });

  it('asks for a reason (422 naming it)', async () => {
    const res = await e2e.call('POST', path(invoiceA.workflowId, '/cancel'), { token: adminA.accessToken, json: {} });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'reason' })]);
  });
});
