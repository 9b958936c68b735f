// The only way the workflow routes reach an execution: by id, and only when its TenantId search
// attribute is the caller's tenant. Anything else (no such id, another tenant's, a workflow that
// carries no TenantId) is the same 404, so ids cannot be probed across tenants.
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { TenantIdKey } from '../../../domain/search-attributes';
import { tenantOfWorkflowId } from '../../../domain/workflow-ids';
import { NotFoundError } from '../../../errors';

export async function describeTenantWorkflow(
  temporal: Client,
  tenantId: string,
  workflowId: string,
): Promise<WorkflowExecutionDescription> {
  // The id names its tenant; an id of another tenant is refused before Temporal is asked.
  if (tenantOfWorkflowId(workflowId) !== tenantId) throw new NotFoundError('No such workflow');
  let description: WorkflowExecutionDescription;
  try {
    description = await temporal.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new NotFoundError('No such workflow');
    throw err;
  }
  // The search attribute, set by whoever started the workflow, is the authority.
  if (description.typedSearchAttributes.get(TenantIdKey) !== tenantId) throw new NotFoundError('No such workflow');
  return description;
}
