// Stripe's webhook: the signature over the raw bytes is checked first; then the event id is
// claimed in the same transaction as the event's effect. Every verified event answers 200, also
// ignored ones and repeats, so Stripe stops redelivering.
import Router from '@koa/router';
import coBody from 'co-body';
import { tenantForPaymentIntent } from '../../../db/invoices';
import { findTenant } from '../../../db/tenants';
import { withTenant } from '../../../db/tenant-transaction';
import { createStripeWebhookVerifier } from '../../../providers/stripe';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { z } from '../../openapi/zod';
import { applyStripeEvent, invoiceRef } from './apply-stripe-event';

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
      example: { id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1', object: 'payment_intent', metadata: {} } } },
    },
    errors: { 400: 'The Stripe-Signature is missing, wrong, too old or dated in the future; or the body is not an event' },
    summary: 'Stripe webhook',
    description:
      'Raw JSON body signed in the Stripe-Signature header (400 when missing, wrong or stale). checkout.session.completed and payment_intent.succeeded mark the invoice in metadata.invoiceId paid; charge.refunded records the refund and reopens a fully refunded invoice; charge.dispute.created pauses its reminders.',
    access: 'public',
    responses: { 200: { description: 'Received (also for ignored events and repeats)', schema: received } },
    async handler({ ctx }) {
      const verifier = createStripeWebhookVerifier(deps.config);
      const raw = await coBody.text(ctx.req, { limit: deps.config.http.bodyLimitBytes });
      const event = verifier.verify(raw, ctx.get('Stripe-Signature') || undefined);
      const ref = invoiceRef(event);
      // Refunds and disputes carry no metadata of ours: their PaymentIntent says whose invoice it was.
      const byPaymentIntent = !ref.tenantId && ref.paymentIntentId ? await tenantForPaymentIntent(deps.pool, ref.paymentIntentId) : null;
      const tenantId = ref.tenantId ?? byPaymentIntent ?? deps.config.defaultTenantId;
      const outcome = await withTenant(deps.pool, tenantId, async (db) =>
        (await findTenant(db, tenantId)) ? applyStripeEvent(db, deps, event, tenantId, ref.invoiceId) : 'ignored',
      );
      ctx.state.webhookOutcome = outcome;
      ctx.state.log.info({ stripeEventId: event.id, type: event.type, tenantId, invoiceId: ref.invoiceId, outcome }, 'stripe webhook');
      return { status: 200, body: { received: true as const } };
    },
  });

  return router;
}
