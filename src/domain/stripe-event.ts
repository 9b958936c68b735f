// What a verified Stripe event says about one of our invoices, read once by the webhook route and
// handed to the stripeEvent workflow: only these facts travel into Temporal's history, not the
// event (which carries the customer's name, address and card details).
import type Stripe from 'stripe';

/** What an event can do to an invoice: the stripeEvent workflow's activity applies it. */
export type StripeEffect =
  /** checkout.session.completed (paid) or payment_intent.succeeded: the invoice is paid. */
  | { kind: 'paid'; paymentIntentId: string | null }
  /** charge.refunded: the refunded total so far; a full refund reopens a paid invoice. */
  | { kind: 'refund'; paymentIntentId: string | null; amountRefundedCents: number }
  /** charge.dispute.created: the invoice is disputed, its reminders paused, the owner told. */
  | { kind: 'dispute'; paymentIntentId: string | null }
  /** Any other event, or a checkout that is not paid yet: recorded, nothing else. */
  | { kind: 'none' };

export interface StripeEventFacts {
  eventId: string;
  type: string;
  /** metadata.tenantId and metadata.invoiceId, when they look like ours. */
  tenantId: string | null;
  invoiceId: string | null;
  /** The PaymentIntent the object belongs to: how a refund or a dispute, which carry no metadata of ours, finds its invoice. */
  paymentIntentId: string | null;
  effect: StripeEffect;
}

/**
 * What the event applies, as the stripeEvent activity records it. `duplicate`: the event id was
 * applied before (a redelivery that reached another run), so nothing changed.
 */
export type StripeEventOutcome =
  'paid' | 'already_settled' | 'refund_recorded' | 'reopened' | 'dispute_recorded' | 'ignored' | 'duplicate';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type EventObject = {
  object?: string;
  id?: string;
  metadata?: Record<string, string> | null;
  payment_intent?: string | { id?: string } | null;
  payment_status?: string;
  amount_refunded?: number;
};

export function stripeEventFacts(event: Stripe.Event): StripeEventFacts {
  const object = (event.data?.object ?? {}) as EventObject;
  const metadata = object.metadata ?? {};
  const ours = (v: string | undefined) => (v && UUID.test(v) ? v.toLowerCase() : null);
  const paymentIntentId = object.object === 'payment_intent' ? (object.id ?? null) : paymentIntentOf(object);
  return {
    eventId: event.id,
    type: event.type,
    tenantId: ours(metadata.tenantId),
    invoiceId: ours(metadata.invoiceId),
    paymentIntentId,
    effect: effectOf(event.type, object, paymentIntentId),
  };
}

function effectOf(type: string, object: EventObject, paymentIntentId: string | null): StripeEffect {
  switch (type) {
    case 'checkout.session.completed':
      // A delayed payment method completes the session before the money arrives.
      return object.object === 'checkout.session' && object.payment_status !== 'paid'
        ? { kind: 'none' }
        : { kind: 'paid', paymentIntentId };
    case 'payment_intent.succeeded':
      return { kind: 'paid', paymentIntentId };
    case 'charge.refunded':
      return {
        kind: 'refund',
        paymentIntentId,
        amountRefundedCents: Number.isInteger(object.amount_refunded) ? (object.amount_refunded as number) : 0,
      };
    case 'charge.dispute.created':
      return { kind: 'dispute', paymentIntentId };
    default:
      return { kind: 'none' };
  }
}

function paymentIntentOf(object: EventObject): string | null {
  const pi = object.payment_intent;
  return typeof pi === 'string' ? pi : (pi?.id ?? null);
}
