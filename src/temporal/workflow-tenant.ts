// Which tenant a workflow belongs to, read from its id. Every tenant's workflow id has the form
// `<kind>:<tenantId>:<business id>` (invoice:…, email:…, probe:…; see start-workflows.ts), so the
// payload codec can bind each payload to its tenant from the serialization context alone, before
// any search attribute or database row is at hand. Ids of any other shape belong to no tenant.
import type { SerializationContext } from '@temporalio/common';

const TENANT_WORKFLOW_ID = /^[a-z][a-z0-9-]*:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?::|$)/;

export function tenantOfWorkflowId(workflowId: string): string | null {
  return TENANT_WORKFLOW_ID.exec(workflowId)?.[1] ?? null;
}

/** The tenant whose workflow (or whose workflow's activity) a payload belongs to, if known. */
export function tenantOfContext(context: SerializationContext | undefined): string | null {
  const workflowId = context?.workflowId;
  return workflowId ? tenantOfWorkflowId(workflowId) : null;
}
