// Every id a builder makes names its tenant the way the payload codec and the workflow routes read
// it back; platform ids name none. The builders are read off the module itself, so one added
// later is covered without a line here.
import { randomUUID } from 'node:crypto';
import * as workflowIds from '../../src/domain/workflow-ids';

const tenant = randomUUID();
const businessId = randomUUID();

const exported: [string, unknown][] = Object.entries(workflowIds);
const builders = exported.filter(
  (entry): entry is [string, (tenantId: string, businessId: string) => string] =>
    entry[0].endsWith('WorkflowId') && typeof entry[1] === 'function' && entry[1] !== workflowIds.tenantOfWorkflowId,
);
const platformIds = exported.filter(
  (entry): entry is [string, string] => entry[0].endsWith('_WORKFLOW_ID') && typeof entry[1] === 'string',
);

it('has a builder for every kind of tenant workflow, each of its own kind', () => {
  expect(builders.map(([name]) => name)).toEqual(
    expect.arrayContaining([
      'emailWorkflowId',
      'invoiceWorkflowId',
      'guardianWorkflowId',
      'bookingWorkflowId',
      'agentWorkflowId',
      'calendarSyncWorkflowId',
      'stripeEventWorkflowId',
    ]),
  );
  const kinds = builders.map(([, build]) => build(tenant, businessId).split(':')[0]);
  expect(new Set(kinds).size).toBe(builders.length);
});

it.each(builders)('%s names its tenant', (_name, build) => {
  const id = build(tenant, businessId);
  expect(workflowIds.tenantOfWorkflowId(id)).toBe(tenant);
  // Another tenant's id never reads as this tenant's.
  expect(workflowIds.tenantOfWorkflowId(build(randomUUID(), businessId))).not.toBe(tenant);
});

it.each(platformIds)('%s names no tenant', (_name, id) => {
  expect(workflowIds.tenantOfWorkflowId(id)).toBeNull();
});

it('reads no tenant from ids of any other shape', () => {
  expect(workflowIds.tenantOfWorkflowId(`probe:codec:${randomUUID()}`)).toBeNull();
  expect(workflowIds.tenantOfWorkflowId(tenant)).toBeNull();
  expect(workflowIds.tenantOfWorkflowId(`invoice:${tenant}x:1`)).toBeNull();
  expect(workflowIds.tenantOfWorkflowId(`metrics-probe-${tenant}`)).toBeNull();
});

it('keys a Stripe event by its tenant and Stripe event id, and reads the tenant back', () => {
  const id = workflowIds.stripeEventWorkflowId(tenant, 'evt_1QxYz2AbCdEfGhIjKlMnOpQr');
  expect(id).toBe(`stripe-event:${tenant}:evt_1QxYz2AbCdEfGhIjKlMnOpQr`);
  expect(workflowIds.tenantOfWorkflowId(id)).toBe(tenant);
});
