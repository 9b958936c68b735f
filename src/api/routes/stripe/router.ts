// Stripe's webhook: the signature over the raw bytes is checked first; then the event's facts are
// signalled to the tenant's stripeInbox workflow, and Stripe gets its 200 as soon as Temporal has
// stored the signal (as Stripe asks, before any work on the event). The inbox gives the event its
// own stripeEvent run, keyed by the event id, which claims the id and applies the effect. Every
// verified event answers 200, also ignored ones and repeats, so Stripe stops redelivering.
import Router from '@koa/router';
import coBody from 'co-body';
import { tenantForPaymentIntent } from '../../../db/invoices';
import { stripeEventFacts } from '../../../domain/stripe-event';
import { createStripeWebhookVerifier } from '../../../providers/stripe';
import { handStripeEventToInbox } from '../../../workflow-starters/stripe-inbox';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { z } from '../../openapi/zod';

const received = z.object({ received: z.literal(true) }).openapi('StripeWebhookReceived');

export function stripeRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/stripe' });
  const endpoint = endpointsFor(router, deps, 'Stripe');

  endpoint({
    method: 'post',
    path: '/webhook',
    operationId: 'receiveStripeEvent',
    rawBody: {
      contentType: 'application/json',
      description: 'A Stripe event, exactly as Stripe signed it',
      example: {
        id: 'evt_1',
        object: 'event',
        type: 'payment_intent.succeeded',
        data: { object: { id: 'pi_1', object: 'payment_intent', metadata: {} } },
      },
    },
    errors: {
      400: 'The Stripe-Signature is missing, wrong, too old or dated in the future; or the body is not an event',
    },
    summary: 'Stripe webhook',
    description:
      'Raw JSON body signed in the Stripe-Signature header (400 when missing, wrong or stale). A verified event is signalled to the `stripeInbox` workflow of its business (id `stripe-inbox:<tenant>`) and answered 200 at once; the inbox hands it to its own `stripeEvent` workflow (id `stripe-event:<tenant>:<event id>`, so a repeat of the event id is dropped), which applies it shortly after, once per event id however often Stripe delivers it. checkout.session.completed and payment_intent.succeeded mark the invoice in metadata.invoiceId paid and stop its reminders; charge.refunded records the refund and reopens a fully refunded invoice; charge.dispute.created pauses its reminders and emails the owner. 503 when the database (needed to trace a refund or dispute to its business) or Temporal cannot be reached: Stripe delivers the event again later.',
    access: 'public',
    responses: {
      200: {
        description: 'Received: handed to the inbox (also for events it ignores and for repeats)',
        schema: received,
      },
    },
    async handler({ ctx }) {
      const verifier = createStripeWebhookVerifier(deps.config);
      const raw = await coBody.text(ctx.req, { limit: deps.config.http.bodyLimitBytes });
      const event = stripeEventFacts(verifier.verify(raw, ctx.get('Stripe-Signature') || undefined));
      // Refunds and disputes carry no metadata of ours: their PaymentIntent says whose invoice it
      // was (one indexed lookup, outside any transaction). Otherwise the default tenant's.
      const byPaymentIntent =
        !event.tenantId && event.paymentIntentId
          ? await tenantForPaymentIntent(deps.pool, event.paymentIntentId)
          : null;
      const tenantId = event.tenantId ?? byPaymentIntent ?? deps.config.defaultTenantId;
      const { workflowId } = await handStripeEventToInbox(deps.temporal, deps.config, tenantId, event);
      ctx.state.log.info(
        { stripeEventId: event.eventId, type: event.type, tenantId, invoiceId: event.invoiceId, workflowId },
        'stripe webhook',
      );
      return { status: 200, body: { received: true as const } };
    },
  });

  return router;
}
