// Invoices. Creating one stores it and starts its paymentReminder workflow (which makes the Stripe
// link); the API calls no provider. Paid, void, pause, resume and reschedule reach the workflow
// as signals (void cancels it, as ops would).
import Router from '@koa/router';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import { findClient } from '../../../db/clients';
import { listReminders } from '../../../db/invoice-reminders';
import { remainingReminderPlan } from '../../../db/remaining-reminders';
import {
  findInvoice,
  listInvoices,
  markInvoicePaid,
  rescheduleInvoice,
  voidInvoice,
  type Invoice,
} from '../../../db/invoices';
import type { TenantTx } from '../../../db/sql';
import { findTenant } from '../../../db/tenants';
import { planReminders } from '../../../domain/reminder-schedule';
import { ConflictError, NotFoundError } from '../../../errors';
import { cancelIfRunning, signalIfRunning } from '../../../temporal/if-running';
import { paidSignal, pauseSignal, rescheduleSignal, resumeSignal } from '../../../workflows/payment-reminder.contract';
import { startPaymentReminder } from '../../../workflow-starters/payment-reminder';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { listPage } from '../../pagination';
import { createInvoice } from './create-invoice';
import { remindersView } from './reminders-view';
import {
  createInvoiceBody,
  idParams,
  invoiceDetailSchema,
  invoicePage,
  invoiceSchema,
  listInvoicesQuery,
  markPaidBody,
  presentInvoice,
  rescheduleBody,
} from './schema';

const invoiceCursor = z.object({ createdAt: z.coerce.date(), id: z.guid() });

async function openInvoice(db: TenantTx, id: string): Promise<Invoice> {
  const invoice = await findInvoice(db, id);
  if (!invoice) throw new NotFoundError('No such invoice');
  if (invoice.status !== 'open') throw new ConflictError(`The invoice is ${invoice.status}`);
  return invoice;
}

/** The zone reminders are timed in: the client's, else the business's. */
async function reminderZone(db: TenantTx, tenantId: string, clientId: string): Promise<string> {
  const [client, tenant] = await Promise.all([findClient(db, clientId), findTenant(db, tenantId)]);
  return client?.timezone ?? tenant?.timezone ?? 'UTC';
}

export function invoicesRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/invoices' });
  const endpoint = endpointsFor(router, deps, 'Invoices');

  endpoint({
    method: 'post',
    path: '/',
    operationId: 'createInvoice',
    summary: 'Create an invoice and start its payment reminders',
    description:
      'Answers at once; the payment link appears on the invoice once the workflow has made it. Each reminder goes at 09:00 in the client time zone; a step already past is not all sent: only the latest one, at once.',
    access: 'staff',
    request: { body: createInvoiceBody },
    responses: { 201: { description: 'The new invoice', schema: invoiceSchema } },
    idempotent: true,
    async handler({ body, db, auth, audit }) {
      const invoice = await createInvoice(deps, { db, tenantId: auth.tenantId, audit }, body);
      return { status: 201, body: presentInvoice(invoice), headers: { Location: `/api/invoices/${invoice.id}` } };
    },
  });

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'listInvoices',
    summary: 'List invoices',
    description: 'Newest first; `status` filters.',
    access: 'staff',
    request: { query: listInvoicesQuery },
    responses: { 200: { description: 'A page of invoices', schema: invoicePage } },
    async handler({ query, db }) {
      const page = await listPage(
        query,
        invoiceCursor,
        (limit, after) =>
          listInvoices(db, { limit, ...(query.status ? { status: query.status } : {}), ...(after ? { after } : {}) }),
        presentInvoice,
        (i) => ({ createdAt: i.createdAt.toISOString(), id: i.id }),
      );
      return { status: 200, body: page };
    },
  });

  endpoint({
    method: 'get',
    path: '/:id',
    operationId: 'getInvoice',
    summary: 'One invoice, with its reminder schedule and what was sent',
    access: 'staff',
    request: { params: idParams },
    responses: { 200: { description: 'The invoice', schema: invoiceDetailSchema } },
    async handler({ params, db }) {
      const invoice = await findInvoice(db, params.id);
      if (!invoice) throw new NotFoundError('No such invoice');
      const reminders = await remindersView(deps.temporal, invoice, await listReminders(db, invoice.id));
      return { status: 200, body: { ...presentInvoice(invoice), reminders } };
    },
  });

  endpoint({
    method: 'post',
    path: '/:id/mark-paid',
    operationId: 'markInvoicePaid',
    errors: { 409: 'The invoice is not open (paid, void or refunded)' },
    summary: 'Record a payment made outside Stripe',
    description: 'The reminder workflow completes; no reminder goes out after this.',
    access: 'staff',
    request: { params: idParams, body: markPaidBody },
    responses: { 200: { description: 'The paid invoice', schema: invoiceSchema } },
    async handler({ params, body, db, audit }) {
      const invoice = await openInvoice(db, params.id);
      await markInvoicePaid(db, invoice.id, { method: body.method, note: body.note ?? null });
      await audit({ action: 'invoice.marked_paid', target: `invoice:${invoice.id}`, detail: { method: body.method } });
      await signalIfRunning(deps.temporal, invoice.workflowId, paidSignal, { method: body.method, recorded: true });
      return { status: 200, body: presentInvoice((await findInvoice(db, invoice.id)) as Invoice) };
    },
  });

  endpoint({
    method: 'post',
    path: '/:id/void',
    operationId: 'voidInvoice',
    errors: { 409: 'The invoice is not open (paid, void or refunded)' },
    summary: 'Void an invoice',
    description: 'Its reminder workflow is cancelled.',
    access: 'admin',
    request: { params: idParams },
    responses: { 200: { description: 'The void invoice', schema: invoiceSchema } },
    async handler({ params, db, audit }) {
      const invoice = await openInvoice(db, params.id);
      await voidInvoice(db, invoice.id);
      await audit({ action: 'invoice.voided', target: `invoice:${invoice.id}` });
      await cancelIfRunning(deps.temporal, invoice.workflowId);
      return { status: 200, body: presentInvoice((await findInvoice(db, invoice.id)) as Invoice) };
    },
  });

  for (const [verb, signal, operationId, summary] of [
    ['pause', pauseSignal, 'pauseInvoiceReminders', 'Pause reminders'],
    [
      'resume',
      resumeSignal,
      'resumeInvoiceReminders',
      'Resume reminders (a step missed while paused goes out at once)',
    ],
  ] as const) {
    endpoint({
      method: 'post',
      path: `/:id/reminders/${verb}`,
      operationId,
      errors: { 409: 'The invoice is not open, or its reminders have already finished' },
      summary,
      access: 'staff',
      request: { params: idParams },
      responses: { 200: { description: 'The invoice', schema: invoiceDetailSchema } },
      async handler({ params, db, audit }) {
        const invoice = await openInvoice(db, params.id);
        if (!(await signalIfRunning(deps.temporal, invoice.workflowId, signal))) {
          throw new ConflictError('The reminders for this invoice have already finished');
        }
        await audit({ action: `invoice.reminders_${verb}d`, target: `invoice:${invoice.id}` });
        const reminders = await remindersView(deps.temporal, invoice, await listReminders(db, invoice.id));
        return { status: 200, body: { ...presentInvoice(invoice), reminders } };
      },
    });
  }

  endpoint({
    method: 'post',
    path: '/:id/reminders/restart',
    operationId: 'restartInvoiceReminders',
    errors: { 409: 'The invoice is not open, or its reminders are still running' },
    summary: 'Start the reminders again after they were cancelled or terminated',
    description:
      'For an open invoice whose reminder workflow has closed (cancelled or terminated from the Temporal UI or CLI, failed, or ended overdue): a new run from the invoice as it stands, with its payment link, that sends no step already sent; a step now past follows the rule at creation (only the latest, at once).',
    access: 'admin',
    request: { params: idParams },
    responses: { 200: { description: 'The invoice, its reminders running again', schema: invoiceDetailSchema } },
    async handler({ params, db, auth, audit }) {
      const invoice = await openInvoice(db, params.id);
      const plan = await remainingReminderPlan(db, invoice, new Date());
      try {
        await startPaymentReminder(
          deps.temporal,
          deps.config,
          {
            tenantId: auth.tenantId,
            invoiceId: invoice.id,
            clientId: invoice.clientId,
            channels: invoice.channels,
            plan,
          },
          { restart: 'any-closed' },
        );
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError)
          throw new ConflictError('The reminders for this invoice are still running', { cause: err });
        throw err;
      }
      await audit({
        action: 'invoice.reminders_restarted',
        target: `invoice:${invoice.id}`,
        detail: { steps: plan.filter((p) => p.status === 'scheduled').map((p) => p.step) },
      });
      const reminders = await remindersView(deps.temporal, invoice, await listReminders(db, invoice.id));
      return { status: 200, body: { ...presentInvoice(invoice), reminders } };
    },
  });

  endpoint({
    method: 'post',
    path: '/:id/reschedule',
    operationId: 'rescheduleInvoiceReminders',
    errors: { 409: 'The invoice is not open, or its reminders have already finished' },
    summary: 'Move the due date or change the reminder schedule',
    description: 'Steps already sent are not sent again; a step now in the past follows the same rule as at creation.',
    access: 'staff',
    request: { params: idParams, body: rescheduleBody },
    responses: { 200: { description: 'The invoice', schema: invoiceDetailSchema } },
    async handler({ params, body, db, auth, audit }) {
      const current = await openInvoice(db, params.id);
      const dueDate = body.dueDate ?? current.dueDate;
      const scheduleDays = body.scheduleDays ?? current.scheduleDays;
      const invoice = (await rescheduleInvoice(db, current.id, { dueDate, scheduleDays })) as Invoice;
      const sent = await listReminders(db, invoice.id);
      const plan = planReminders({
        dueDate,
        scheduleDays,
        timeZone: await reminderZone(db, auth.tenantId, invoice.clientId),
        now: new Date(),
        alreadySent: sent.filter((r) => r.status === 'sent' || r.status === 'queued').map((r) => r.step),
      });
      await audit({
        action: 'invoice.rescheduled',
        target: `invoice:${invoice.id}`,
        detail: { dueDate, scheduleDays },
      });
      if (!(await signalIfRunning(deps.temporal, invoice.workflowId, rescheduleSignal, { dueDate, plan }))) {
        throw new ConflictError('The reminders for this invoice have already finished');
      }
      return {
        status: 200,
        body: { ...presentInvoice(invoice), reminders: await remindersView(deps.temporal, invoice, sent) },
      };
    },
  });

  return router;
}
