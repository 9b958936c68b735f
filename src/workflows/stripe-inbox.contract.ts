// The stripeInbox contract: one per tenant (stripe-inbox:<tenant>). The webhook signals each
// verified event to it with signalWithStart, which costs Temporal about what a bare signal does
// once the inbox runs (a start per event cost three times as much); the inbox hands each event on
// to its own stripeEvent workflow, keyed by the event id, which applies it once.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { EmailRetryPolicy } from '../domain/email';
import type { StripeEventFacts } from '../domain/stripe-event';

export interface StripeInboxInput {
  tenantId: string;
  /** From config at start, for the stripeEvent runs' owner alerts (workflows cannot read config). */
  emailRetry: EmailRetryPolicy;
  /** The delivery task queue, for the same alerts (src/temporal/task-queues.ts). */
  deliveryTaskQueue?: string;
  /** Carried over continue-as-new: events received and not handed on yet. */
  pending?: StripeEventFacts[];
  /** Carried over continue-as-new: the counts so far. */
  handedOn?: number;
  duplicates?: number;
}

export interface StripeInboxStatus {
  /** Received and not handed on yet (none while a worker keeps up). */
  pending: number;
  /** Events given their own stripeEvent run, since the inbox first started or last closed. */
  handedOn: number;
  /** Repeats of an event id already handed on: Stripe's redeliveries, dropped here. */
  duplicates: number;
}

export type StripeInboxResult = Omit<StripeInboxStatus, 'pending'>;

/** One verified event: only its facts (stripeEventFacts), never the event itself. */
export const stripeEventReceivedSignal = defineSignal<[StripeEventFacts]>('stripeEvent');
export const stripeInboxStatusQuery = defineQuery<StripeInboxStatus>('status');
