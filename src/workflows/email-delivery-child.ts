// How a workflow that sends an email starts its emailDelivery child: the id, the input and the
// search attributes (TenantId, EmailId, and what the parent adds, e.g. its InvoiceId), written
// once for the reminders, bookings, the guardian and the reply agent. The parent picks start or
// execute and the parent-close policy.
import type { SearchAttributePair } from '@temporalio/common';
import { EmailIdKey, TenantIdKey } from '../domain/search-attributes';
import { emailWorkflowId } from '../domain/workflow-ids';
import type { EmailDeliveryInput } from './email-delivery.contract';

export function emailDeliveryChild(input: EmailDeliveryInput, also: SearchAttributePair[] = []) {
  return {
    workflowId: emailWorkflowId(input.tenantId, input.emailId),
    args: [input] as [EmailDeliveryInput],
    typedSearchAttributes: [{ key: TenantIdKey, value: input.tenantId }, { key: EmailIdKey, value: input.emailId }, ...also] as SearchAttributePair[],
  };
}
