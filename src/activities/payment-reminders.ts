// Activities of the paymentReminder workflow. Each one re-reads the invoice in Postgres first,
// so a payment or void that landed a moment ago always wins over a reminder.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { insertAuditEntry } from '../db/audit';
import { findClient } from '../db/clients';
import { setSmsConsentByPhone } from '../db/sms-consent';
import { queueEmail, queueOwnerAlert } from '../db/emails';
import {
  findInvoice,
  markInvoiceOverdue,
  markInvoicePaid,
  setPaymentLink,
  voidInvoice,
  type Invoice,
} from '../db/invoices';
import { recordReminder, type ReminderStatus } from '../db/invoice-reminders';
import { markOverdueOwnerToldByAlert } from '../db/overdue-digests';
import { findTenant } from '../db/tenants';
import type { RunAsTenant } from '../db/tenant-transaction';
import type { Db } from '../db/sql';
import { PAID_BY_HAND_METHODS, type PaidByHandMethod } from '../domain/reminder-actions';
import { overdueAlertMessage, reminderMessage } from '../domain/reminder-message';
import { UpstreamError } from '../errors';
import type { Logger } from '../observability/logger';
import type { Payments } from '../providers/stripe';
import type { Sms } from '../providers/twilio';
import { rowNotVisible } from './row-not-visible';
import { sendTextOnce, smsStatusCallbackUrl } from './send-text-once';
import { asTemporalFailure } from './temporal-failure';

/** The narrow parts of Stripe and Twilio the reminders need (src/providers implements them). */
export type PaymentLinks = Pick<Payments, 'createCheckoutSession'>;
export type ReminderSms = Pick<Sms, 'send' | 'findSent'>;

export interface PaymentReminderDeps {
  /** A transaction as the tenant (row-level security), made once for the whole worker. */
  tx: RunAsTenant;
  logger: Logger;
  publicBaseUrl: string;
  payments: () => PaymentLinks;
  sms: () => ReminderSms;
}

type Closed = 'paid' | 'void';

function closedOutcome(invoice: Invoice | null): Closed | null {
  if (!invoice) return 'void';
  if (invoice.status === 'paid') return 'paid';
  if (invoice.status === 'void' || invoice.status === 'uncollectible') return 'void';
  return null;
}

export function createPaymentReminderActivities(deps: PaymentReminderDeps) {
  const { tx } = deps;

  async function loadFacts(db: Db, invoice: Invoice, step: number) {
    const [tenant, client] = await Promise.all([findTenant(db, invoice.tenantId), findClient(db, invoice.clientId)]);
    if (!tenant || !client) throw ApplicationFailure.nonRetryable('invoice without tenant or client', 'not_found');
    const facts = {
      businessName: tenant.name,
      clientName: client.name,
      amountCents: invoice.amountCents,
      currency: invoice.currency,
      dueDate: invoice.dueDate,
      description: invoice.description,
      paymentUrl: invoice.paymentUrl,
      step,
    };
    return { tenant, client, message: reminderMessage(facts) };
  }

  async function audit(db: Db, tenantId: string, action: string, invoiceId: string, detail: Record<string, unknown>) {
    await insertAuditEntry(db, {
      tenantId,
      actorId: null,
      action,
      target: `invoice:${invoiceId}`,
      requestId: null,
      detail,
    });
  }

  return {
    /** Stripe Checkout for the invoice; the idempotency key makes a retried call return the same session. */
    async createPaymentLink(input: { tenantId: string; invoiceId: string }): Promise<{ url: string | null }> {
      const invoice = await tx(input.tenantId, (db) => findInvoice(db, input.invoiceId));
      if (!invoice) throw rowNotVisible(`invoice ${input.invoiceId}`);
      if (invoice.paymentUrl) return { url: invoice.paymentUrl };
      const client = await tx(input.tenantId, (db) => findClient(db, invoice.clientId));
      const session = await deps
        .payments()
        .createCheckoutSession({
          amountCents: invoice.amountCents,
          currency: invoice.currency,
          description: invoice.description,
          metadata: { tenantId: input.tenantId, invoiceId: input.invoiceId },
          idempotencyKey: `invoice-checkout-${input.invoiceId}`,
          successUrl: `${deps.publicBaseUrl}/paid?invoice=${input.invoiceId}`,
          cancelUrl: `${deps.publicBaseUrl}/pay?invoice=${input.invoiceId}`,
          ...(client?.email ? { customerEmail: client.email } : {}),
        })
        .catch(asTemporalFailure);
      if (!session.url)
        throw ApplicationFailure.create({
          message: `checkout session ${session.id} has no URL`,
          type: 'no_checkout_url',
          nonRetryable: true,
        });
      const url = session.url;
      await tx(input.tenantId, (db) => setPaymentLink(db, input.invoiceId, { url, sessionId: session.id }));
      return { url };
    },

    /**
     * Writes the reminder email into the outbox (guarded: sent only while the invoice is open) and
     * returns its id for the emailDelivery child. The email id comes from the workflow, so a retry
     * of this activity reuses the same row.
     */
    async prepareReminderEmail(input: { tenantId: string; invoiceId: string; step: number; emailId: string }): Promise<{
      emailId: string | null;
      invoiceClosed: Closed | null;
    }> {
      return tx(input.tenantId, async (db) => {
        const invoice = await findInvoice(db, input.invoiceId);
        const closed = closedOutcome(invoice);
        if (closed || !invoice) return { emailId: null, invoiceClosed: closed };
        const { client, message } = await loadFacts(db, invoice, input.step);
        if (!client.email) {
          await recordReminder(db, {
            tenantId: input.tenantId,
            invoiceId: input.invoiceId,
            step: input.step,
            channel: 'email',
            status: 'skipped',
            detail: 'client has no email address',
          });
          return { emailId: null, invoiceClosed: null };
        }
        await queueEmail(db, {
          id: input.emailId,
          tenantId: input.tenantId,
          purpose: 'invoice_reminder',
          to: client.email,
          subject: message.subject,
          text: message.text,
          clientId: client.id,
          guard: { kind: 'invoice_open', invoiceId: input.invoiceId },
        });
        await recordReminder(db, {
          tenantId: input.tenantId,
          invoiceId: input.invoiceId,
          step: input.step,
          channel: 'email',
          status: 'queued',
          emailId: input.emailId,
        });
        return { emailId: input.emailId, invoiceClosed: null };
      });
    },

    async recordReminderOutcome(input: {
      tenantId: string;
      invoiceId: string;
      step: number;
      channel: 'email' | 'sms';
      status: ReminderStatus;
      emailId?: string | null;
      detail?: string | null;
    }): Promise<void> {
      await tx(input.tenantId, async (db) => {
        await recordReminder(db, input);
        await audit(db, input.tenantId, `invoice.reminder_${input.status}`, input.invoiceId, {
          step: input.step,
          channel: input.channel,
        });
      });
    },

    /**
     * Texts the reminder when the client has consented. Twilio's permanent errors are not retried;
     * an opt-out (21610) clears the consent so the workflow falls back to email; a 5xx on create may
     * have sent the message, so the next try first looks for it instead of sending twice.
     */
    async sendReminderSms(input: { tenantId: string; invoiceId: string; step: number; smsId: string }): Promise<{
      status: 'sent' | 'skipped' | 'opted_out' | 'failed';
      invoiceClosed: Closed | null;
    }> {
      const prepared = await tx(input.tenantId, async (db) => {
        const invoice = await findInvoice(db, input.invoiceId);
        const closed = closedOutcome(invoice);
        if (closed || !invoice) return { closed };
        const facts = await loadFacts(db, invoice, input.step);
        return { closed: null, client: facts.client, body: facts.message.sms };
      });
      if (prepared.closed) return { status: 'skipped', invoiceClosed: prepared.closed };
      const { client, body } = prepared as { client: NonNullable<typeof prepared.client>; body: string };
      const record = (status: ReminderStatus, detail: string | null, smsSid: string | null = null) =>
        tx(input.tenantId, async (db) => {
          await recordReminder(db, {
            tenantId: input.tenantId,
            invoiceId: input.invoiceId,
            step: input.step,
            channel: 'sms',
            status,
            smsSid,
            detail,
          });
          await audit(db, input.tenantId, `invoice.reminder_${status}`, input.invoiceId, {
            step: input.step,
            channel: 'sms',
          });
        });

      if (!client.phone || !client.smsConsent) {
        await record('skipped', client.phone ? 'no SMS consent' : 'client has no phone number');
        return { status: 'skipped', invoiceClosed: null };
      }
      // Re-read right before sending: a payment that arrived while we prepared still wins.
      const recheck = await tx(input.tenantId, (db) => findInvoice(db, input.invoiceId));
      const closedNow = closedOutcome(recheck);
      if (closedNow) return { status: 'skipped', invoiceClosed: closedNow };
      const phone = client.phone;
      // The row exists before the send, so a status callback that beats our own record finds it.
      await tx(input.tenantId, (db) =>
        recordReminder(db, {
          tenantId: input.tenantId,
          invoiceId: input.invoiceId,
          step: input.step,
          channel: 'sms',
          status: 'queued',
        }),
      );
      const statusCallback = smsStatusCallbackUrl(deps.publicBaseUrl, {
        tenantId: input.tenantId,
        invoiceId: input.invoiceId,
        step: String(input.step),
      });
      try {
        const sent = await sendTextOnce(deps.sms(), { to: phone, body, statusCallback });
        await record('sent', sent.recovered ? 'found after an ambiguous failure' : null, sent.sid);
        return { status: 'sent', invoiceClosed: null };
      } catch (err) {
        if (err instanceof UpstreamError && err.code === 'recipient_opted_out') {
          await tx(input.tenantId, (db) =>
            setSmsConsentByPhone(db, { tenantId: input.tenantId, phone, granted: false, source: 'twilio:21610' }),
          );
          await record('opted_out', 'the recipient has opted out (Twilio 21610)');
          return { status: 'opted_out', invoiceClosed: null };
        }
        if (err instanceof UpstreamError && !err.retryable) {
          await record('failed', `${err.code}: ${err.message}`.slice(0, 300));
          return { status: 'failed', invoiceClosed: null };
        }
        throw err;
      }
    },

    /**
     * After the last step: flag the invoice overdue (audited, the first time only) as of the
     * instant the workflow decided it, however late a retry runs. The owner is told in the
     * business's next overdue digest (activities/overdue-digests.ts), not one by one.
     */
    async flagInvoiceOverdueForDigest(input: {
      tenantId: string;
      invoiceId: string;
      overdueAt: string;
    }): Promise<{ flagged: boolean }> {
      return tx(input.tenantId, async (db) => {
        if (!(await markInvoiceOverdue(db, input.invoiceId, new Date(input.overdueAt)))) return { flagged: false };
        await audit(db, input.tenantId, 'invoice.overdue', input.invoiceId, {});
        return { flagged: true };
      });
    },

    /**
     * What reminder runs from before the overdue digest call (their histories say so): flag the
     * invoice overdue and, the first time only, email the owner about this one invoice, which is
     * then marked told so no digest lists it again.
     */
    async flagInvoiceOverdue(input: {
      tenantId: string;
      invoiceId: string;
      ownerEmailId: string;
    }): Promise<{ ownerEmailId: string | null }> {
      return tx(input.tenantId, async (db) => {
        const invoice = await findInvoice(db, input.invoiceId);
        if (!invoice || !(await markInvoiceOverdue(db, input.invoiceId))) return { ownerEmailId: null };
        await audit(db, input.tenantId, 'invoice.overdue', input.invoiceId, {});
        await markOverdueOwnerToldByAlert(db, input.invoiceId);
        const client = await findClient(db, invoice.clientId);
        const tenant = await findTenant(db, input.tenantId);
        const alert = overdueAlertMessage({
          businessName: tenant?.name ?? '',
          clientName: client?.name ?? 'a client',
          amountCents: invoice.amountCents,
          currency: invoice.currency,
          dueDate: invoice.dueDate,
          description: invoice.description,
          invoiceId: invoice.id,
        });
        const queued = await queueOwnerAlert(db, {
          id: input.ownerEmailId,
          tenantId: input.tenantId,
          subject: alert.subject,
          text: alert.text,
        });
        if (!queued) return { ownerEmailId: null };
        return { ownerEmailId: input.ownerEmailId };
      });
    },

    /** The workflow was cancelled (Temporal UI or ops API): record it, with who asked and why. */
    /**
     * A paid or void that reached the workflow from the CLI or the Web UI (not through the API,
     * which writes the row itself): the invoice row follows, if it is still open, and the audit
     * log says it was done through Temporal, by whom when Temporal knows.
     */
    async recordOutcomeFromTemporal(input: {
      tenantId: string;
      invoiceId: string;
      outcome: 'paid' | 'void';
      method: string | null;
      workflowId: string;
      runId: string;
    }): Promise<{ changed: boolean }> {
      const identity = await closingRequestIdentity(input.workflowId, input.runId, input.outcome);
      return tx(input.tenantId, async (db) => {
        const method = PAID_BY_HAND_METHODS.includes(input.method as PaidByHandMethod)
          ? (input.method as PaidByHandMethod)
          : 'other';
        const changed =
          input.outcome === 'paid'
            ? await markInvoicePaid(db, input.invoiceId, { method, note: 'Recorded through Temporal' })
            : await voidInvoice(db, input.invoiceId);
        if (changed) {
          await audit(
            db,
            input.tenantId,
            input.outcome === 'paid' ? 'invoice.marked_paid' : 'invoice.voided',
            input.invoiceId,
            {
              via: 'temporal',
              identity,
              ...(input.outcome === 'paid' ? { method } : {}),
            },
          );
        }
        return { changed };
      });
    },

    async recordRemindersCancelled(input: {
      tenantId: string;
      invoiceId: string;
      workflowId: string;
      runId: string;
    }): Promise<void> {
      const request = await cancelRequestOf(input.workflowId, input.runId);
      await tx(input.tenantId, (db) =>
        audit(db, input.tenantId, 'invoice.reminders_cancelled', input.invoiceId, {
          identity: request.identity,
          reason: request.reason,
        }),
      );
    },
  };
}

/** Who sent the paid or void signal or update (the CLI and the UI send an identity), from the run's history. */
async function closingRequestIdentity(
  workflowId: string,
  runId: string,
  name: 'paid' | 'void',
): Promise<string | null> {
  const history = await Context.current().client.workflow.getHandle(workflowId, runId).fetchHistory();
  for (const event of [...(history.events ?? [])].reverse()) {
    const signal = event.workflowExecutionSignaledEventAttributes;
    if (signal?.signalName === name) return signal.identity || null;
    const update = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    if (update?.input?.name === name) return update.meta?.identity || null;
  }
  return null;
}

/** Who asked Temporal to cancel this run (the UI and the CLI send an identity), from its history. */
async function cancelRequestOf(
  workflowId: string,
  runId: string,
): Promise<{ identity: string | null; reason: string | null }> {
  const client = Context.current().client;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const event = history.events?.find((e) => e.workflowExecutionCancelRequestedEventAttributes);
  const attrs = event?.workflowExecutionCancelRequestedEventAttributes;
  return { identity: attrs?.identity || null, reason: attrs?.cause || null };
}
