// Stripe through stripe-node over HTTP to the sandbox: Checkout Sessions with idempotency keys,
// refunds, signed webhook events verified with constructEvent, and every failure class.
import Stripe from 'stripe';
import { BadRequestError } from '../../src/errors';
import { createStripe, createStripeWebhookVerifier, type Payments } from '../../src/providers/stripe';
import { eventually, type SandboxHarness, startTestSandbox, upstreamFailure } from '../helpers/sandbox';

let h: SandboxHarness;
let stripe: Payments;

const sessionInput = (key: string, amountCents = 4500) => ({
  amountCents,
  currency: 'usd',
  description: 'Invoice #42 — colour and cut',
  metadata: { invoiceId: '11111111-1111-4111-8111-111111111111', tenantId: '22222222-2222-4222-8222-222222222222' },
  customerEmail: 'dana@example.com',
  successUrl: 'https://salon.example/paid',
  cancelUrl: 'https://salon.example/cancelled',
  idempotencyKey: key,
});

beforeAll(async () => {
  h = await startTestSandbox();
  stripe = createStripe(h.config);
});
afterAll(() => h.close());

describe('Stripe through the sandbox', () => {
  it('creates a Checkout Session with metadata, recorded with its idempotency key', async () => {
    const session = await stripe.createCheckoutSession(sessionInput('invoice-42-link'));
    expect(session).toMatchObject({
      status: 'open',
      paymentStatus: 'unpaid',
      amountTotal: 4500,
      currency: 'usd',
      paymentIntentId: null,
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toContain(session.id);
    expect(session.metadata).toEqual(sessionInput('x').metadata);
    expect(session.expiresAt.getTime()).toBeGreaterThan(Date.now());

    const [item] = (await h.sent('stripe')).filter((s) => s.idempotencyKey === 'invoice-42-link');
    expect(item).toMatchObject({ method: 'POST', path: '/v1/checkout/sessions', idempotencyKey: 'invoice-42-link' });
    expect(item.params.metadata).toEqual(sessionInput('x').metadata);
    expect(item.params.line_items[0].price_data).toMatchObject({ currency: 'usd', unit_amount: '4500' });
  });

  it('the same idempotency key replays the first session; different parameters under it are refused', async () => {
    const first = await stripe.createCheckoutSession(sessionInput('invoice-43-link'));
    const again = await stripe.createCheckoutSession(sessionInput('invoice-43-link'));
    expect(again.id).toBe(first.id);
    const items = (await h.sent('stripe')).filter((s) => s.idempotencyKey === 'invoice-43-link');
    expect(items.map((i) => Boolean(i.replayed))).toEqual([false, true]);

    const err = await upstreamFailure(stripe.createCheckoutSession(sessionInput('invoice-43-link', 9900)));
    expect(err.details).toMatchObject({
      provider: 'stripe',
      code: 'idempotency_key_reused',
      retryable: false,
      httpStatus: 400,
    });
  });

  it('retrieves and expires a session', async () => {
    const session = await stripe.createCheckoutSession(sessionInput('invoice-44-link'));
    expect((await stripe.retrieveCheckoutSession(session.id)).id).toBe(session.id);
    const expired = await stripe.expireCheckoutSession(session.id, 'invoice-44-expire');
    expect(expired).toMatchObject({ status: 'expired', url: null });
    expect((await upstreamFailure(stripe.expireCheckoutSession(session.id, 'invoice-44-expire-again'))).code).toBe(
      'invalid_request',
    );
    expect((await upstreamFailure(stripe.retrieveCheckoutSession('cs_test_nope'))).details).toMatchObject({
      code: 'not_found',
      retryable: false,
      httpStatus: 404,
    });
  });

  it('a paid session sends checkout.session.completed, signed so constructEvent accepts it; then refunds', async () => {
    const session = await stripe.createCheckoutSession(sessionInput('invoice-45-link'));
    const paid = await h.control('POST', `/_sandbox/stripe/checkout/${session.id}/complete`);
    expect(paid.body).toMatchObject({ status: 200, eventId: expect.stringMatching(/^evt_/) });

    const delivery = await eventually(() => h.receiver.received.find((d) => d.body.includes(paid.body.eventId)));
    expect(delivery.path).toBe('/api/stripe/webhook');
    const event = createStripeWebhookVerifier(h.config).verify(
      delivery.body,
      delivery.headers['stripe-signature'] as string,
    );
    expect(event.type).toBe('checkout.session.completed');
    const object = event.data.object as {
      id: string;
      payment_status: string;
      metadata: Record<string, string>;
      payment_intent: string;
    };
    expect(object).toMatchObject({ id: session.id, payment_status: 'paid', metadata: sessionInput('x').metadata });
    expect((await stripe.retrieveCheckoutSession(session.id)).paymentIntentId).toBe(object.payment_intent);

    const refund = await stripe.refund({
      paymentIntentId: object.payment_intent,
      amountCents: 1000,
      idempotencyKey: 'refund-45-1',
    });
    expect(refund).toMatchObject({
      status: 'succeeded',
      amount: 1000,
      currency: 'usd',
      paymentIntentId: object.payment_intent,
    });
    const tooMuch = await upstreamFailure(
      stripe.refund({ paymentIntentId: object.payment_intent, amountCents: 9000, idempotencyKey: 'refund-45-2' }),
    );
    expect(tooMuch.details).toMatchObject({ code: 'invalid_request', retryable: false, httpStatus: 400 });
    expect(
      (await upstreamFailure(stripe.refund({ paymentIntentId: 'pi_unknown', idempotencyKey: 'refund-x' }))).code,
    ).toBe('not_found');
  });

  it('POST /_sandbox/stripe/events delivers any event, and the API status comes back', async () => {
    h.receiver.respondWith(400);
    const res = await h.control('POST', '/_sandbox/stripe/events', {
      type: 'payment_intent.succeeded',
      object: { id: 'pi_123', object: 'payment_intent', metadata: { invoiceId: 'i' } },
    });
    h.receiver.respondWith(200);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ eventId: expect.stringMatching(/^evt_/), status: 400 });
    const delivery = h.receiver.received.find((d) => d.body.includes(res.body.eventId))!;
    const event = createStripeWebhookVerifier(h.config).verify(
      Buffer.from(delivery.body),
      delivery.headers['stripe-signature'] as string,
    );
    expect(event).toMatchObject({
      id: res.body.eventId,
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_123' } },
    });
  });

  it('the verifier refuses a tampered body, another secret, a stale timestamp or no signature', async () => {
    const res = await h.control('POST', '/_sandbox/stripe/events', { type: 'charge.refunded', object: { id: 'ch_1' } });
    const delivery = h.receiver.received.find((d) => d.body.includes(res.body.eventId))!;
    const signature = delivery.headers['stripe-signature'] as string;
    const verifier = createStripeWebhookVerifier(h.config);
    expect(() => verifier.verify(delivery.body.replace('ch_1', 'ch_2'), signature)).toThrow(BadRequestError);
    expect(() => verifier.verify(delivery.body, undefined)).toThrow(BadRequestError);
    const other = createStripeWebhookVerifier({
      ...h.config,
      stripe: { ...h.config.stripe, webhookSecret: 'whsec_other' },
    });
    expect(() => other.verify(delivery.body, signature)).toThrow(BadRequestError);
    const stale = signature.replace(/t=\d+/, `t=${Math.floor(Date.now() / 1000) - 3600}`);
    expect(() => verifier.verify(delivery.body, stale)).toThrow(BadRequestError);
  });

  it('the verifier takes a correct signature only within 5 minutes of now, either way', async () => {
    const res = await h.control('POST', '/_sandbox/stripe/events', { type: 'charge.refunded', object: { id: 'ch_3' } });
    const body = h.receiver.received.find((d) => d.body.includes(res.body.eventId))!.body;
    const verifier = createStripeWebhookVerifier(h.config);
    const signedAt = (offsetS: number) =>
      Stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret: h.config.stripe.webhookSecret!,
        timestamp: Math.floor(Date.now() / 1000) + offsetS,
      });
    expect(verifier.verify(body, signedAt(-120)).id).toBe(res.body.eventId);
    expect(verifier.verify(body, signedAt(120)).id).toBe(res.body.eventId);
    expect(() => verifier.verify(body, signedAt(-3600))).toThrow(BadRequestError);
    expect(() => verifier.verify(body, signedAt(3600))).toThrow('dated in the future');
  });
});

describe('Stripe failures, classified', () => {
  it('a card error is permanent with its code', async () => {
    await h.fault({
      provider: 'stripe',
      status: 402,
      body: {
        error: {
          type: 'card_error',
          code: 'card_declined',
          decline_code: 'insufficient_funds',
          message: 'Your card was declined.',
        },
      },
    });
    expect((await upstreamFailure(stripe.createCheckoutSession(sessionInput('c1')))).details).toMatchObject({
      code: 'card_declined',
      retryable: false,
      httpStatus: 402,
    });
  });

  it('429 is retryable with Retry-After; 5xx is retryable and ambiguous on create; each tried once', async () => {
    await h.fault({ provider: 'stripe', status: 429, headers: { 'retry-after': '2' } });
    expect((await upstreamFailure(stripe.retrieveCheckoutSession('cs_test_x'))).details).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 2000,
      httpStatus: 429,
    });
    const before = (await h.requests('stripe')).length;
    await h.fault({ provider: 'stripe', status: 500, count: 3 });
    const err = await upstreamFailure(stripe.createCheckoutSession(sessionInput('c2')));
    expect(err.details).toMatchObject({ code: 'server_error', retryable: true, ambiguous: true, httpStatus: 500 });
    expect((await h.requests('stripe')).length).toBe(before + 1);
    await h.control('DELETE', '/_sandbox/faults');
  });

  it('an invalid request and a rejected key are permanent', async () => {
    await h.fault({
      provider: 'stripe',
      status: 400,
      body: { error: { type: 'invalid_request_error', message: 'Invalid currency: xyz', param: 'currency' } },
    });
    expect((await upstreamFailure(stripe.createCheckoutSession(sessionInput('c3')))).details).toMatchObject({
      code: 'invalid_request',
      retryable: false,
    });
    const live = createStripe({
      ...h.config,
      stripe: { ...h.config.stripe, secretKey: 'sk_live_not_for_the_sandbox' },
    });
    expect((await upstreamFailure(live.retrieveCheckoutSession('cs_test_x'))).details).toMatchObject({
      code: 'auth_failed',
      retryable: false,
      httpStatus: 401,
    });
  });

  it('a hang is a retryable timeout, ambiguous on create (the idempotency key makes the retry safe)', async () => {
    const quick = createStripe(h.config, { timeoutMs: 300 });
    await h.fault({ provider: 'stripe', status: 0, delayMs: 1500 });
    const err = await upstreamFailure(quick.createCheckoutSession(sessionInput('c4')));
    expect(err.details).toMatchObject({ code: 'timeout', retryable: true, ambiguous: true });
    // The retry with the same key creates exactly one session.
    const a = await quick.createCheckoutSession(sessionInput('c4'));
    const b = await quick.createCheckoutSession(sessionInput('c4'));
    expect(a.id).toBe(b.id);
  });
});
