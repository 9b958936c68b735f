// Workflow operations for a tenant's admins: list and inspect its executions, send the signals
// each workflow type declares (declared-workflows.ts), cancel, and (owners) terminate.
// Every execution is reached through its TenantId search attribute; the reasons given for cancel
// and terminate go to the audit log, and Temporal only hears ids (its history is not encrypted
// for fields like a cancel reason).
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { ConflictError, ValidationError } from '../../../errors';
import type { AppDeps } from '../../deps';
import type { AppContext, AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { openCursor, signCursor } from '../../signed-cursor';
import { checkSignal, declaredWorkflow, WORKFLOW_OPERATIONS, type DeclaredSignal } from './declared-workflows';
import { customSearchAttributes, pendingActivitiesOf, summaryOfDescription, summaryOfRaw } from './execution';
import {
  cancelBody,
  listWorkflowsQuery,
  signalBody,
  terminateBody,
  workflowActionAccepted,
  workflowDetail,
  workflowIdParams,
  workflowPage,
  WORKFLOW_STATUSES,
} from './schema';
import { describeTenantWorkflow } from './tenant-workflow';

/** How long GET /:workflowId waits for the status query: a workflow with no worker never answers. */
const STATUS_QUERY_TIMEOUT_MS = 3_000;

function runningOrConflict(d: WorkflowExecutionDescription): void {
  if (d.status.name !== 'RUNNING')
    throw new ConflictError(`The workflow is no longer running (${d.status.name.toLowerCase()})`);
}

/** A workflow that closed between the check and the call: the same 409 as when it was seen closed. */
async function whileRunning<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    // The SDK's handle calls say WorkflowNotFoundError; a raw service call says gRPC NOT_FOUND (5).
    if (err instanceof WorkflowNotFoundError || (err as { code?: unknown }).code === 5) {
      throw new ConflictError('The workflow is no longer running', { cause: err });
    }
    throw err;
  }
}

function declaredSignalsText(): string {
  return Object.entries(WORKFLOW_OPERATIONS)
    .map(
      ([type, declared]) =>
        `${type}: ${declared.signals.map((s: DeclaredSignal) => `${s.definition.name}${s.update ? ' (also a Workflow Update, for the CLI)' : ''}`).join(', ') || 'none'}`,
    )
    .join('; ');
}

async function stateOf(temporal: Client, d: WorkflowExecutionDescription, ctx: AppContext): Promise<unknown> {
  const query = declaredWorkflow(d.type)?.statusQuery;
  if (!query || d.status.name !== 'RUNNING') return null;
  try {
    const handle = temporal.workflow.getHandle(d.workflowId, d.runId);
    return (
      (await temporal.connection.withDeadline(Date.now() + STATUS_QUERY_TIMEOUT_MS, () => handle.query(query))) ?? null
    );
  } catch (err) {
    ctx.state.log.warn({ err, workflowId: d.workflowId }, 'workflow status query did not answer');
    return null;
  }
}

export function workflowsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/workflows' });
  const endpoint = endpointsFor(router, deps, 'Workflows');
  const { temporal } = deps;
  const namespace = deps.config.temporal.namespace;
  const cursorSecret = deps.config.auth.jwtSecret;

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'listWorkflows',
    summary: "List the business's workflow executions",
    description:
      'Newest first, from Temporal visibility (a workflow started a moment ago may take a second to appear). Filters: `type`, `status`.',
    access: 'admin',
    transaction: false,
    request: { query: listWorkflowsQuery },
    responses: { 200: { description: 'A page of executions', schema: workflowPage } },
    async handler({ query, auth }) {
      // Values are a UUID from the verified token and members of closed enums: nothing a caller
      // types reaches the query text.
      const clauses = [`TenantId = "${auth.tenantId}"`];
      if (query.type) clauses.push(`WorkflowType = "${query.type}"`);
      if (query.status) clauses.push(`ExecutionStatus = "${WORKFLOW_STATUSES[query.status]}"`);
      const visibilityQuery = clauses.join(' AND ');
      // A page token only makes sense for the query that produced it: the query is the scope.
      const nextPageToken =
        query.cursor === undefined ? undefined : openCursor(cursorSecret, visibilityQuery, query.cursor);
      const page = await temporal.workflowService.listWorkflowExecutions({
        namespace,
        query: visibilityQuery,
        pageSize: query.limit,
        nextPageToken,
      });
      const token = page.nextPageToken;
      return {
        status: 200,
        body: {
          items: (page.executions ?? []).map(summaryOfRaw),
          nextCursor: token && token.length > 0 ? signCursor(cursorSecret, visibilityQuery, token) : null,
        },
      };
    },
  });

  endpoint({
    method: 'get',
    path: '/:workflowId',
    operationId: 'getWorkflow',
    summary: 'One workflow execution: status, search attributes, pending activities and its own account of its state',
    access: 'admin',
    transaction: false,
    request: { params: workflowIdParams },
    responses: { 200: { description: 'The execution', schema: workflowDetail } },
    async handler({ params, auth, ctx }) {
      const d = await describeTenantWorkflow(temporal, auth.tenantId, params.workflowId);
      return {
        status: 200,
        body: {
          ...summaryOfDescription(d),
          searchAttributes: customSearchAttributes(d),
          pendingActivities: pendingActivitiesOf(d),
          state: await stateOf(temporal, d, ctx),
        },
      };
    },
  });

  endpoint({
    method: 'post',
    path: '/:workflowId/signal',
    operationId: 'signalWorkflow',
    errors: { 409: 'The workflow is no longer running' },
    summary: 'Send a signal the workflow type declares',
    description: `Only the signals declared for the workflow type, with their arguments checked: 422 otherwise; 409 once the workflow has closed. Declared: ${declaredSignalsText()}.`,
    access: 'admin',
    request: { params: workflowIdParams, body: signalBody },
    responses: {
      202: { description: 'The signal was delivered to the running workflow', schema: workflowActionAccepted },
    },
    async handler({ params, body, auth, audit }) {
      const d = await describeTenantWorkflow(temporal, auth.tenantId, params.workflowId);
      const check = checkSignal(d.type, body.name, body.args);
      if (!check.ok) throw new ValidationError(check.problems);
      runningOrConflict(d);
      // A signal, not the Update of the same name: the arguments are checked here already, and a
      // signal is delivered even while no worker runs (an Update would wait for one).
      await whileRunning(() => temporal.workflow.getHandle(d.workflowId, d.runId).signal(check.signal, ...check.args));
      await audit({
        action: 'workflow.signalled',
        target: `workflow:${d.workflowId}`,
        detail: { type: d.type, runId: d.runId, signal: body.name },
      });
      return { status: 202, body: { workflowId: d.workflowId, runId: d.runId, action: 'signal', signal: body.name } };
    },
  });

  endpoint({
    method: 'post',
    path: '/:workflowId/cancel',
    operationId: 'cancelWorkflow',
    errors: { 409: 'The workflow is no longer running' },
    summary: 'Ask the workflow to cancel',
    description:
      'The workflow winds down its own way (a payment reminder sends nothing more and notes it on the invoice). The reason is kept in the audit log.',
    access: 'admin',
    request: { params: workflowIdParams, body: cancelBody },
    responses: { 202: { description: 'Cancellation was requested', schema: workflowActionAccepted } },
    async handler({ params, body, auth, audit, ctx }) {
      const d = await describeTenantWorkflow(temporal, auth.tenantId, params.workflowId);
      runningOrConflict(d);
      await whileRunning(() =>
        temporal.workflowService.requestCancelWorkflowExecution({
          namespace,
          workflowExecution: { workflowId: d.workflowId, runId: d.runId },
          identity: temporal.options.identity,
          requestId: randomUUID(),
          reason: `Requested through the Frontdesk API by user ${auth.userId} (request ${ctx.state.requestId}); the reason is in the audit log`,
        }),
      );
      await audit({
        action: 'workflow.cancel_requested',
        target: `workflow:${d.workflowId}`,
        detail: { type: d.type, runId: d.runId, reason: body.reason },
      });
      return { status: 202, body: { workflowId: d.workflowId, runId: d.runId, action: 'cancel' } };
    },
  });

  endpoint({
    method: 'post',
    path: '/:workflowId/terminate',
    operationId: 'terminateWorkflow',
    errors: { 409: 'The workflow is no longer running' },
    summary: 'Terminate the workflow at once (owner)',
    description: 'No cleanup runs inside the workflow: prefer cancel. The reason is kept in the audit log.',
    access: 'owner',
    request: { params: workflowIdParams, body: terminateBody },
    responses: { 202: { description: 'The workflow was terminated', schema: workflowActionAccepted } },
    async handler({ params, body, auth, audit, ctx }) {
      const d = await describeTenantWorkflow(temporal, auth.tenantId, params.workflowId);
      runningOrConflict(d);
      await whileRunning(() =>
        temporal.workflow
          .getHandle(d.workflowId, d.runId)
          .terminate(
            `Terminated through the Frontdesk API by user ${auth.userId} (request ${ctx.state.requestId}); the reason is in the audit log`,
          ),
      );
      await audit({
        action: 'workflow.terminated',
        target: `workflow:${d.workflowId}`,
        detail: { type: d.type, runId: d.runId, reason: body.reason },
      });
      return { status: 202, body: { workflowId: d.workflowId, runId: d.runId, action: 'terminate' } };
    },
  });

  return router;
}
