// The stripeEvent contract: one verified Stripe event in (the facts the webhook read from it, the
// tenant it resolved), what it did out. No signals or queries: the run lasts one activity and the
// messages that follow it.
import type { EmailRetryPolicy } from '../domain/email';
import type { StripeEventFacts, StripeEventOutcome } from '../domain/stripe-event';

export interface StripeEventInput {
  /** The tenant the webhook resolved (metadata, else the PaymentIntent's invoice, else the default tenant); the workflow id names it. */
  tenantId: string;
  event: StripeEventFacts;
  /** From config at start, for the owner alert's emailDelivery child; workflows cannot read config. */
  emailRetry: EmailRetryPolicy;
  /** The delivery task queue, for the same child (src/temporal/task-queues.ts). */
  deliveryTaskQueue?: string;
}

export interface StripeEventResult {
  outcome: StripeEventOutcome;
  invoiceId: string | null;
  /** What the invoice's paymentReminder was told: `paid`, `pause`, or nothing (none running, or nothing to tell). */
  signalled: 'paid' | 'pause' | null;
  /** The owner alert about a dispute, on its way through its own emailDelivery workflow. */
  alertEmailId: string | null;
}
