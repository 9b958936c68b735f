// What a verified Stripe event does to an invoice. Runs in the tenant's transaction together with
// the event-id claim, so each event takes effect exactly once however often Stripe delivers it.
import type { Client } from '@temporalio/client';
import type Stripe from 'stripe';
import { insertAuditEntry } from '../../../db/audit';
import { findInvoice, findInvoiceByPaymentIntent, markInvoiceDisputed, markInvoicePaid, recordRefund, setPaymentIntent, type Invoice } from '../../../db/invoices';
import type { Db } from '../../../db/sql';
import { claimStripeEvent, recordStripeEventOutcome } from '../../../db/stripe-events';
import type { Config } from '../../../config';
import { formatMoney } from '../../../domain/money';
import { signalIfRunning } from '../../../temporal/if-running';
import { alertOwner } from '../../owner-alert';
import { paidSignal, pauseSignal } from '../../../workflows/payment-reminder.contract';

export type StripeEventOutcome = 'paid' | 'already_settled' | 'refund_recorded' | 'reopened' | 'dispute_recorded' | 'ignored' | 'duplicate';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** tenantId and invoiceId from the object's metadata, when they look like ours, and its PaymentIntent. */
export function invoiceRef(event: Stripe.Event): { tenantId: string | null; invoiceId: string | null; paymentIntentId: string | null } {
  const object = event.data.object as { object?: string; id?: string; metadata?: Record<string, string> | null; payment_intent?: string | Stripe.PaymentIntent | null };
  const metadata = object.metadata ?? {};
  const pick = (v: string | undefined) => (v && UUID.test(v) ? v.toLowerCase() : null);
  const paymentIntentId = object.object === 'payment_intent' ? (object.id ?? null) : paymentIntentOf(object);
  return { tenantId: pick(metadata.tenantId), invoiceId: pick(metadata.invoiceId), paymentIntentId };
}

export function paymentIntentOf(object: { payment_intent?: string | Stripe.PaymentIntent | null }): string | null {
  const pi = object.payment_intent;
  return typeof pi === 'string' ? pi : (pi?.id ?? null);
}

export async function applyStripeEvent(
  db: Db,
  deps: { config: Config; temporal: Client },
  event: Stripe.Event,
  tenantId: string,
  invoiceId: string | null,
): Promise<StripeEventOutcome> {
  // The claim shares the transaction with the effect: both happen or neither does.
  if (!(await claimStripeEvent(db, { id: event.id, tenantId, type: event.type }))) return 'duplicate';
  const { outcome, invoice } = await effectOf(db, event, invoiceId);
  await recordStripeEventOutcome(db, event.id, { invoiceId: invoice?.id ?? null, outcome });
  if (invoice && outcome !== 'ignored' && outcome !== 'already_settled') {
    await insertAuditEntry(db, {
      tenantId,
      actorId: null,
      action: `invoice.stripe_${outcome}`,
      target: `invoice:${invoice.id}`,
      requestId: null,
      detail: { eventId: event.id, type: event.type },
    });
  }
  if (invoice && outcome === 'paid') await signalIfRunning(deps.temporal, invoice.workflowId, paidSignal, { method: 'stripe', recorded: true });
  if (invoice && outcome === 'dispute_recorded') {
    await signalIfRunning(deps.temporal, invoice.workflowId, pauseSignal);
    await alertOwner(db, deps, tenantId, {
      subject: `Payment disputed: ${formatMoney(invoice.amountCents, invoice.currency)}`,
      text: `A customer disputed the card payment for invoice ${invoice.id} (${invoice.description}, due ${invoice.dueDate}). Its reminders are paused. Respond to the dispute in your Stripe dashboard.`,
    });
  }
  return outcome;
}

async function effectOf(db: Db, event: Stripe.Event, invoiceId: string | null): Promise<{ outcome: StripeEventOutcome; invoice: Invoice | null }> {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'payment_intent.succeeded': {
      const object = event.data.object as Stripe.Checkout.Session | Stripe.PaymentIntent;
      if (object.object === 'checkout.session' && object.payment_status !== 'paid') return { outcome: 'ignored', invoice: null };
      const invoice = invoiceId ? await findInvoice(db, invoiceId) : null;
      if (!invoice) return { outcome: 'ignored', invoice: null };
      const pi = object.object === 'payment_intent' ? object.id : paymentIntentOf(object);
      if (pi) await setPaymentIntent(db, invoice.id, pi);
      const paid = await markInvoicePaid(db, invoice.id, { method: 'stripe' });
      return { outcome: paid ? 'paid' : 'already_settled', invoice };
    }
    case 'charge.refunded': {
      const charge = event.data.object as Stripe.Charge;
      const invoice = await invoiceFor(db, invoiceId, paymentIntentOf(charge));
      if (!invoice) return { outcome: 'ignored', invoice: null };
      const status = await recordRefund(db, invoice.id, charge.amount_refunded);
      return { outcome: status === 'open' && invoice.status === 'paid' ? 'reopened' : 'refund_recorded', invoice };
    }
    case 'charge.dispute.created': {
      const dispute = event.data.object as Stripe.Dispute;
      const invoice = await invoiceFor(db, invoiceId, paymentIntentOf(dispute));
      if (!invoice) return { outcome: 'ignored', invoice: null };
      await markInvoiceDisputed(db, invoice.id);
      return { outcome: 'dispute_recorded', invoice };
    }
    default:
      return { outcome: 'ignored', invoice: null };
  }
}

async function invoiceFor(db: Db, invoiceId: string | null, paymentIntentId: string | null): Promise<Invoice | null> {
  if (invoiceId) return findInvoice(db, invoiceId);
  return paymentIntentId ? findInvoiceByPaymentIntent(db, paymentIntentId) : null;
}
