// The stripeEvent workflow's activity: what a verified Stripe event does to an invoice (paid,
// refund, reopen, dispute; audited), in one tenant transaction together with the event-id claim.
// Temporal's workflow-id uniqueness already refuses a second start for the event id, but only
// while Temporal remembers the run (the namespace's retention, days), and a tenant resolved
// differently on a redelivery gets another workflow id; Stripe redelivers for three days and an
// owner can resend an event from the dashboard at any time. So the stripe_events row, claimed in
// the transaction that applies the effect, stays what makes each event take effect once.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { insertAuditEntry } from '../db/audit';
import { sqlstateOf } from '../db/constraint-violation';
import { queueOwnerAlert } from '../db/emails';
import {
  findInvoice,
  findInvoiceByPaymentIntent,
  markInvoiceDisputed,
  markInvoicePaid,
  recordRefund,
  setPaymentIntent,
  type Invoice,
} from '../db/invoices';
import type { Db } from '../db/sql';
import { claimStripeEvent, findStripeEventClaim, recordStripeEventOutcome } from '../db/stripe-events';
import type { RunAsTenant } from '../db/tenant-transaction';
import { findTenant } from '../db/tenants';
import { formatMoney } from '../domain/money';
import type { StripeEventFacts, StripeEventOutcome } from '../domain/stripe-event';

export interface StripeEventDeps {
  /** A transaction as the tenant (row-level security), made once for the whole worker. */
  tx: RunAsTenant;
}

export interface AppliedStripeEvent {
  outcome: StripeEventOutcome;
  invoiceId: string | null;
  /** The invoice's paymentReminder workflow, which the stripeEvent workflow tells what happened. */
  reminderWorkflowId: string | null;
  /** The owner alert about a dispute, queued in the outbox for its emailDelivery child. */
  alertEmailId: string | null;
}

const nothing = (outcome: StripeEventOutcome): AppliedStripeEvent => ({
  outcome,
  invoiceId: null,
  reminderWorkflowId: null,
  alertEmailId: null,
});

export function createStripeEventActivities(deps: StripeEventDeps) {
  const { tx } = deps;
  return {
    /**
     * Claims the event id and applies the event, or neither. `alertEmailId` comes from the
     * workflow, so a retry of this activity reuses the same outbox row.
     */
    async applyStripeEvent(input: {
      tenantId: string;
      event: StripeEventFacts;
      alertEmailId: string;
    }): Promise<AppliedStripeEvent> {
      const { event, tenantId } = input;
      const workflowId = Context.current().info.workflowExecution?.workflowId ?? null;
      try {
        return await tx(tenantId, async (db) => {
          // metadata.tenantId of a business that is gone (or never was): nothing to apply it to.
          if (!(await findTenant(db, tenantId))) return nothing('ignored');
          if (!(await claimStripeEvent(db, { id: event.eventId, tenantId, type: event.type, workflowId }))) {
            const claim = await findStripeEventClaim(db, event.eventId);
            if (!claim || !workflowId || claim.workflowId !== workflowId) return nothing('duplicate');
            // This workflow's earlier try committed, and its answer was lost (a worker crash): the
            // effect stays as it is, and the workflow still tells the reminders and the owner.
            const invoice = claim.invoiceId ? await findInvoice(db, claim.invoiceId) : null;
            return {
              outcome: claim.outcome as StripeEventOutcome,
              invoiceId: claim.invoiceId,
              reminderWorkflowId: invoice?.workflowId ?? null,
              alertEmailId: claim.alertEmailId,
            };
          }
          const { outcome, invoice } = await effectOf(db, event);
          const alertEmailId =
            invoice && outcome === 'dispute_recorded'
              ? await queueDisputeAlert(db, tenantId, invoice, input.alertEmailId)
              : null;
          await recordStripeEventOutcome(db, event.eventId, { invoiceId: invoice?.id ?? null, outcome, alertEmailId });
          if (invoice && outcome !== 'ignored' && outcome !== 'already_settled') {
            await insertAuditEntry(db, {
              tenantId,
              actorId: null,
              action: `invoice.stripe_${outcome}`,
              target: `invoice:${invoice.id}`,
              requestId: null,
              detail: { eventId: event.eventId, type: event.type },
            });
          }
          return {
            outcome,
            invoiceId: invoice?.id ?? null,
            reminderWorkflowId: invoice?.workflowId ?? null,
            alertEmailId,
          };
        });
      } catch (err) {
        throw classified(err);
      }
    },
  };
}

async function effectOf(
  db: Db,
  event: StripeEventFacts,
): Promise<{ outcome: StripeEventOutcome; invoice: Invoice | null }> {
  const { effect } = event;
  switch (effect.kind) {
    case 'paid': {
      const invoice = event.invoiceId ? await findInvoice(db, event.invoiceId) : null;
      if (!invoice) return { outcome: 'ignored', invoice: null };
      if (effect.paymentIntentId) await setPaymentIntent(db, invoice.id, effect.paymentIntentId);
      const paid = await markInvoicePaid(db, invoice.id, { method: 'stripe' });
      return { outcome: paid ? 'paid' : 'already_settled', invoice };
    }
    case 'refund': {
      const invoice = await invoiceFor(db, event.invoiceId, effect.paymentIntentId);
      if (!invoice) return { outcome: 'ignored', invoice: null };
      const status = await recordRefund(db, invoice.id, effect.amountRefundedCents);
      return { outcome: status === 'open' && invoice.status === 'paid' ? 'reopened' : 'refund_recorded', invoice };
    }
    case 'dispute': {
      const invoice = await invoiceFor(db, event.invoiceId, effect.paymentIntentId);
      if (!invoice) return { outcome: 'ignored', invoice: null };
      await markInvoiceDisputed(db, invoice.id);
      return { outcome: 'dispute_recorded', invoice };
    }
    case 'none':
      return { outcome: 'ignored', invoice: null };
  }
}

async function invoiceFor(db: Db, invoiceId: string | null, paymentIntentId: string | null): Promise<Invoice | null> {
  if (invoiceId) return findInvoice(db, invoiceId);
  return paymentIntentId ? findInvoiceByPaymentIntent(db, paymentIntentId) : null;
}

/** The owner's email about the dispute, in the outbox; null when the business has no owner address. */
async function queueDisputeAlert(db: Db, tenantId: string, invoice: Invoice, emailId: string): Promise<string | null> {
  const queued = await queueOwnerAlert(db, {
    id: emailId,
    tenantId,
    subject: `Payment disputed: ${formatMoney(invoice.amountCents, invoice.currency)}`,
    text: `A customer disputed the card payment for invoice ${invoice.id} (${invoice.description}, due ${invoice.dueDate}). Its reminders are paused. Respond to the dispute in your Stripe dashboard.`,
  });
  return queued ? emailId : null;
}

/**
 * A statement Postgres refuses for its data (SQLSTATE class 22) or a constraint (23) fails the
 * same way on every try: permanent. Anything else (the connection lost, a serialization failure,
 * a deadlock, a shutdown) is retried with the activity's backoff until the database is back.
 */
function classified(err: unknown): unknown {
  const state = sqlstateOf(err);
  if (state && (state.startsWith('22') || state.startsWith('23'))) {
    return ApplicationFailure.create({
      message: `the database refused the event's effect (SQLSTATE ${state})`,
      type: `postgres_${state}`,
      nonRetryable: true,
      ...(err instanceof Error ? { cause: err } : {}),
    });
  }
  return err;
}
