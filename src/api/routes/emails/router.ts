// Email: each one is stored in the outbox and handed to its own emailDelivery workflow, which
// owns retries; these routes only write, start and read.
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { z } from 'zod';
import { findClient } from '../../../db/clients';
import { findEmail, listEmails, queueEmail, requeueFailedEmails } from '../../../db/emails';
import { insertAuditEntry } from '../../../db/audit';
import { withTenant } from '../../../db/tenant-transaction';
import { findUser } from '../../../db/users';
import { NotFoundError, ValidationError } from '../../../errors';
import { startEmailDelivery } from '../../../workflow-starters/email-delivery';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { listPage } from '../../pagination';
import { assertMailboxReady } from './mailbox-ready';
import {
  emailAccepted,
  emailPage,
  emailSchema,
  idParams,
  listEmailsQuery,
  presentEmail,
  retryFailedResult,
  sendEmailBody,
  testEmailResult,
} from './schema';

const emailCursor = z.object({ createdAt: z.coerce.date(), id: z.guid() });

export function emailsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api' });
  const endpoint = endpointsFor(router, deps, 'Email');

  endpoint({
    method: 'post',
    path: '/emails',
    operationId: 'sendEmail',
    summary: 'Send an email',
    description:
      'Stored, then sent by its own workflow with retries and backoff; 202 at once. Poll GET /api/emails/{id} for the outcome.',
    access: 'staff',
    request: { body: sendEmailBody },
    responses: { 202: { description: 'Queued', schema: emailAccepted } },
    idempotent: true,
    async handler({ body, db, auth, audit }) {
      await assertMailboxReady(deps.config, db, auth.tenantId);
      if (body.clientId && !(await findClient(db, body.clientId))) {
        throw new ValidationError([{ path: 'clientId', message: 'is not a client of this business' }]);
      }
      const id = randomUUID();
      const { workflowId } = await queueEmail(db, {
        id,
        tenantId: auth.tenantId,
        purpose: 'api',
        to: body.to,
        subject: body.subject,
        text: body.text,
        html: body.html ?? null,
        clientId: body.clientId ?? null,
        threadId: body.threadId ?? null,
        inReplyTo: body.inReplyTo ?? null,
        references: body.inReplyTo ?? null,
      });
      await audit({
        action: 'email.queued',
        target: `email:${id}`,
        detail: { clientId: body.clientId ?? null, reply: Boolean(body.inReplyTo) },
      });
      // Started inside the transaction: if Temporal refuses, the email is not stored either.
      await startEmailDelivery(deps.temporal, deps.config, { tenantId: auth.tenantId, emailId: id });
      return {
        status: 202,
        body: { id, status: 'queued' as const, workflowId },
        headers: { Location: `/api/emails/${id}` },
      };
    },
  });

  endpoint({
    method: 'get',
    path: '/emails',
    operationId: 'listEmails',
    summary: 'List emails',
    description: 'Newest first; `status` filters.',
    access: 'staff',
    request: { query: listEmailsQuery },
    responses: { 200: { description: 'A page of emails', schema: emailPage } },
    async handler({ query, db }) {
      const page = await listPage(
        query,
        emailCursor,
        (limit, after) =>
          listEmails(db, { limit, ...(query.status ? { status: query.status } : {}), ...(after ? { after } : {}) }),
        presentEmail,
        (e) => ({ createdAt: e.createdAt.toISOString(), id: e.id }),
      );
      return { status: 200, body: page };
    },
  });

  endpoint({
    method: 'get',
    path: '/emails/:id',
    operationId: 'getEmail',
    summary: 'One email and where its delivery stands',
    access: 'staff',
    request: { params: idParams },
    responses: { 200: { description: 'The email', schema: emailSchema } },
    async handler({ params, db }) {
      const email = await findEmail(db, params.id);
      if (!email) throw new NotFoundError('No such email');
      return { status: 200, body: presentEmail(email) };
    },
  });

  endpoint({
    method: 'post',
    path: '/emails/retry-failed',
    operationId: 'retryFailedEmails',
    summary: 'Send every failed email again',
    description: 'Restarts delivery of every failed email in one batch; queued and sent ones are not touched.',
    access: 'admin',
    responses: { 200: { description: 'How many were restarted', schema: retryFailedResult } },
    // The batch is committed before the workflows start: a restarted workflow must see the email
    // queued again, not the failed state it is replacing.
    transaction: false,
    async handler({ auth, ctx }) {
      const requeued = await withTenant(deps.pool, auth.tenantId, async (db) => {
        await assertMailboxReady(deps.config, db, auth.tenantId);
        const emails = await requeueFailedEmails(db);
        await insertAuditEntry(db, {
          tenantId: auth.tenantId,
          actorId: auth.userId,
          action: 'email.retry_failed',
          target: null,
          requestId: ctx.state.requestId,
          detail: { restarted: emails.length },
        });
        return emails;
      });
      for (const email of requeued) {
        await startEmailDelivery(
          deps.temporal,
          deps.config,
          { tenantId: auth.tenantId, emailId: email.id },
          { restart: true },
        );
      }
      return { status: 200, body: { restarted: requeued.length } };
    },
  });

  endpoint({
    method: 'get',
    path: '/email/test',
    operationId: 'sendTestEmail',
    summary: 'Send a test email to yourself',
    description: 'Goes through the same email workflow as every other email.',
    access: 'admin',
    responses: { 202: { description: 'Queued', schema: testEmailResult } },
    async handler({ db, auth, audit }) {
      await assertMailboxReady(deps.config, db, auth.tenantId);
      const user = await findUser(db, auth.userId);
      if (!user) throw new NotFoundError('No such user');
      const id = randomUUID();
      const { workflowId } = await queueEmail(db, {
        id,
        tenantId: auth.tenantId,
        purpose: 'test',
        to: user.email,
        subject: 'Frontdesk test email',
        text: 'This is a test email from Frontdesk. If you can read it, sending works.',
      });
      await audit({ action: 'email.test', target: `email:${id}` });
      await startEmailDelivery(deps.temporal, deps.config, { tenantId: auth.tenantId, emailId: id });
      return { status: 202, body: { emailId: id, workflowId } };
    },
  });

  return router;
}
