// Stripe Checkout for invoice payments, refunds, and webhook verification. Every write carries
// the caller's idempotency key (derived from the invoice), so a Temporal retry after a lost
// answer replays Stripe's first response instead of creating a second session or refund.
import Stripe from 'stripe';
import type { Config } from '../config';
import { BadRequestError, ServiceUnavailableError } from '../errors';
import { classifyStripeError } from './errors/stripe';
import type { CallContext } from './errors/upstream';
import { requireIntegration } from './integration';
import { SANDBOX_CREDENTIALS } from './sandbox-credentials';

export const DEFAULT_STRIPE_TIMEOUT_MS = 30_000;

export interface CheckoutSession {
  id: string;
  url: string | null;
  status: Stripe.Checkout.Session.Status | null;
  paymentStatus: Stripe.Checkout.Session.PaymentStatus;
  paymentIntentId: string | null;
  amountTotal: number | null;
  currency: string | null;
  metadata: Record<string, string>;
  expiresAt: Date;
}

export interface Refund {
  id: string;
  status: string | null;
  amount: number;
  currency: string;
  paymentIntentId: string | null;
}

export interface Payments {
  createCheckoutSession(input: {
    amountCents: number;
    currency: string;
    description: string;
    /** Copied onto the session and its PaymentIntent, so webhooks find the invoice and tenant. */
    metadata: Record<string, string>;
    customerEmail?: string;
    successUrl: string;
    cancelUrl: string;
    idempotencyKey: string;
  }): Promise<CheckoutSession>;
  retrieveCheckoutSession(id: string): Promise<CheckoutSession>;
  expireCheckoutSession(id: string, idempotencyKey: string): Promise<CheckoutSession>;
  refund(input: {
    paymentIntentId: string;
    amountCents?: number;
    reason?: 'duplicate' | 'fraudulent' | 'requested_by_customer';
    metadata?: Record<string, string>;
    idempotencyKey: string;
  }): Promise<Refund>;
}

export interface StripeOptions {
  timeoutMs?: number;
}

export function createStripe(config: Config, options: StripeOptions = {}): Payments {
  const mode = requireIntegration(config, 'stripe');
  const client = stripeClient(config, mode, options);

  async function call<T>(ctx: CallContext, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw classifyStripeError(ctx, err);
    }
  }

  return {
    async createCheckoutSession(input) {
      const session = await call({ operation: 'checkout.sessions.create', creates: true }, () =>
        client.checkout.sessions.create(
          {
            mode: 'payment',
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: input.currency,
                  unit_amount: input.amountCents,
                  product_data: { name: input.description },
                },
              },
            ],
            metadata: input.metadata,
            payment_intent_data: { metadata: input.metadata },
            ...(input.customerEmail ? { customer_email: input.customerEmail } : {}),
            success_url: input.successUrl,
            cancel_url: input.cancelUrl,
          },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
      return toSession(session);
    },

    async retrieveCheckoutSession(id) {
      return toSession(
        await call({ operation: 'checkout.sessions.retrieve' }, () => client.checkout.sessions.retrieve(id)),
      );
    },

    async expireCheckoutSession(id, idempotencyKey) {
      return toSession(
        await call({ operation: 'checkout.sessions.expire' }, () =>
          client.checkout.sessions.expire(id, {}, { idempotencyKey }),
        ),
      );
    },

    async refund(input) {
      const refund = await call({ operation: 'refunds.create', creates: true }, () =>
        client.refunds.create(
          {
            payment_intent: input.paymentIntentId,
            ...(input.amountCents !== undefined ? { amount: input.amountCents } : {}),
            ...(input.reason ? { reason: input.reason } : {}),
            ...(input.metadata ? { metadata: input.metadata } : {}),
          },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
      return {
        id: refund.id,
        status: refund.status,
        amount: refund.amount,
        currency: refund.currency,
        paymentIntentId:
          typeof refund.payment_intent === 'string' ? refund.payment_intent : (refund.payment_intent?.id ?? null),
      };
    },
  };
}

export interface StripeWebhookVerifier {
  /** The verified event; BadRequestError (400) for a missing, wrong or stale signature. */
  verify(rawBody: string | Buffer, signatureHeader: string | undefined): Stripe.Event;
}

/** Stripe's own replay window, applied in both directions. */
const WEBHOOK_TOLERANCE_S = 300;

/** Needs only STRIPE_WEBHOOK_SECRET: the webhook route verifies without calling Stripe. */
export function createStripeWebhookVerifier(config: Config): StripeWebhookVerifier {
  const secret = config.stripe.webhookSecret;
  if (!secret) throw new ServiceUnavailableError('Stripe webhooks are not configured: set STRIPE_WEBHOOK_SECRET');
  return {
    verify(rawBody, signatureHeader) {
      if (!signatureHeader) throw new BadRequestError('Missing Stripe-Signature header');
      let event: Stripe.Event;
      try {
        event = Stripe.webhooks.constructEvent(rawBody, signatureHeader, secret, WEBHOOK_TOLERANCE_S);
      } catch (err) {
        throw new BadRequestError('Invalid Stripe signature', { cause: err });
      }
      // The SDK refuses only signatures that are too old; one dated in the future was made with
      // a wrong clock or to outlive the replay window, so it is refused the same way.
      const signedAt = Number(/(?:^|,)t=(\d+)/.exec(signatureHeader)?.[1]);
      if (!(signedAt <= Date.now() / 1000 + WEBHOOK_TOLERANCE_S))
        throw new BadRequestError('Invalid Stripe signature: dated in the future');
      return event;
    },
  };
}

function stripeClient(config: Config, mode: 'live' | 'sandbox', options: StripeOptions): Stripe {
  const timeout = options.timeoutMs ?? DEFAULT_STRIPE_TIMEOUT_MS;
  if (mode === 'live') {
    return new Stripe(config.stripe.secretKey as string, { maxNetworkRetries: 0, timeout, telemetry: false });
  }
  const url = new URL(config.sandbox.url);
  return new Stripe(config.stripe.secretKey ?? SANDBOX_CREDENTIALS.stripeSecretKey, {
    maxNetworkRetries: 0,
    timeout,
    telemetry: false,
    host: url.hostname,
    port: url.port || (url.protocol === 'https:' ? 443 : 80),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
  });
}

function toSession(s: Stripe.Checkout.Session): CheckoutSession {
  return {
    id: s.id,
    url: s.url,
    status: s.status,
    paymentStatus: s.payment_status,
    paymentIntentId: typeof s.payment_intent === 'string' ? s.payment_intent : (s.payment_intent?.id ?? null),
    amountTotal: s.amount_total,
    currency: s.currency,
    metadata: s.metadata ?? {},
    expiresAt: new Date(s.expires_at * 1000),
  };
}
