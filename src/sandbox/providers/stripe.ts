// Stripe API v1 (Checkout Sessions create/retrieve/expire, Refunds create) with Stripe's
// idempotency semantics, a stand-in hosted payment page, and signed webhook events.
import { createHmac, randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import Stripe from 'stripe';
import { z } from 'zod';
import { formBody, jsonBody, str } from '../body';
import type { Sandbox } from '../context';
import { deliver } from '../deliver';
import { stripeError } from '../provider-errors';

type Params = Record<string, unknown>;

interface PaymentIntent {
  id: string;
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  refunded: number;
}

export class StripeStore {
  readonly sessions = new Map<
    string,
    Record<string, unknown> & { id: string; status: string; payment_intent_metadata: Record<string, string> }
  >();
  readonly paymentIntents = new Map<string, PaymentIntent>();
  readonly idempotency = new Map<string, { fingerprint: string; status: number; body: unknown }>();
}

export function stripeId(prefix: string): string {
  return `${prefix}_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`;
}

export function stripeRoutes(sb: Sandbox): Router {
  const router = new Router({ prefix: '/v1' });
  router.use(authenticate, (ctx, next) => idempotent(sb, ctx, next));

  router.post('/checkout/sessions', (ctx) => {
    const params = ctx.state.params as Params;
    const invalid = (message: string, param?: string) => fail(ctx, 400, message, { ...(param ? { param } : {}) });
    if (params.mode !== 'payment') return invalid('This sandbox supports Checkout in mode `payment` only.', 'mode');
    const lineItems = Array.isArray(params.line_items) ? (params.line_items as Params[]) : [];
    if (lineItems.length === 0) return invalid('Missing required param: line_items.', 'line_items');
    let amount = 0;
    let currency: string | undefined;
    for (const [i, item] of lineItems.entries()) {
      const priceData = (item.price_data ?? {}) as Params;
      const productData = (priceData.product_data ?? {}) as Params;
      const quantity = Number(item.quantity ?? 1);
      const unitAmount = Number(priceData.unit_amount);
      const itemCurrency = str(priceData.currency)?.toLowerCase();
      if (!itemCurrency || !/^[a-z]{3}$/.test(itemCurrency))
        return invalid('Invalid currency.', `line_items[${i}][price_data][currency]`);
      if (!Number.isInteger(unitAmount) || unitAmount < 0)
        return invalid('Invalid integer.', `line_items[${i}][price_data][unit_amount]`);
      if (!Number.isInteger(quantity) || quantity < 1) return invalid('Invalid integer.', `line_items[${i}][quantity]`);
      if (!str(productData.name))
        return invalid(
          'Missing required param: line_items[0][price_data][product_data][name].',
          `line_items[${i}][price_data][product_data][name]`,
        );
      if (currency && currency !== itemCurrency)
        return invalid('All line items must use the same currency.', `line_items[${i}][price_data][currency]`);
      currency = itemCurrency;
      amount += unitAmount * quantity;
    }
    if (currency === 'usd' && amount < 50)
      return invalid("The Checkout Session's total amount due must add up to at least $0.50 usd", 'line_items');
    const metadata = metadataOf(params.metadata);
    if (typeof metadata === 'string') return invalid(metadata, 'metadata');
    const piMetadata = metadataOf((params.payment_intent_data as Params | undefined)?.metadata);
    if (typeof piMetadata === 'string') return invalid(piMetadata, 'payment_intent_data[metadata]');
    const created = Math.floor(Date.now() / 1000);
    const id = `cs_test_${randomBytes(30).toString('base64url').replace(/[-_]/g, 'a')}`;
    const customerEmail = str(params.customer_email) ?? null;
    const session = {
      id,
      object: 'checkout.session',
      after_expiration: null,
      allow_promotion_codes: null,
      amount_subtotal: amount,
      amount_total: amount,
      automatic_tax: { enabled: false, liability: null, status: null },
      billing_address_collection: null,
      cancel_url: str(params.cancel_url) ?? null,
      client_reference_id: str(params.client_reference_id) ?? null,
      client_secret: null,
      created,
      currency,
      custom_fields: [],
      customer: null,
      customer_creation: 'if_required',
      customer_details: customerEmail
        ? { email: customerEmail, name: null, phone: null, address: null, tax_exempt: 'none', tax_ids: [] }
        : null,
      customer_email: customerEmail,
      expires_at: created + 24 * 3600,
      invoice: null,
      livemode: false,
      locale: null,
      metadata,
      mode: 'payment',
      payment_intent: null as string | null,
      payment_link: null,
      payment_method_types: ['card'],
      payment_status: 'unpaid',
      status: 'open',
      submit_type: null,
      subscription: null,
      success_url: str(params.success_url) ?? null,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: 'hosted',
      url: `${sb.baseUrl}/checkout/pay/${id}`,
    };
    sb.stripe.sessions.set(id, { ...session, payment_intent_metadata: piMetadata });
    ctx.body = session;
  });

  router.get('/checkout/sessions/:id', (ctx) => {
    const session = sb.stripe.sessions.get(ctx.params.id ?? '');
    if (!session)
      return fail(ctx, 404, `No such checkout.session: '${ctx.params.id}'`, { code: 'resource_missing', param: 'id' });
    ctx.body = publicSession(session);
  });

  router.post('/checkout/sessions/:id/expire', (ctx) => {
    const session = sb.stripe.sessions.get(ctx.params.id ?? '');
    if (!session)
      return fail(ctx, 404, `No such checkout.session: '${ctx.params.id}'`, { code: 'resource_missing', param: 'id' });
    if (session.status !== 'open')
      return fail(ctx, 400, 'Only Checkout Sessions with a status in ["open"] can be expired.');
    session.status = 'expired';
    session.url = null;
    ctx.body = publicSession(session);
  });

  router.post('/refunds', (ctx) => {
    const params = ctx.state.params as Params;
    const piId = str(params.payment_intent);
    if (!piId) return fail(ctx, 400, 'You must pass either `payment_intent` or `charge`.', {});
    const pi = sb.stripe.paymentIntents.get(piId);
    if (!pi)
      return fail(ctx, 400, `No such payment_intent: '${piId}'`, { code: 'resource_missing', param: 'payment_intent' });
    const remaining = pi.amount - pi.refunded;
    const amount = params.amount === undefined ? remaining : Number(params.amount);
    if (!Number.isInteger(amount) || amount < 1) return fail(ctx, 400, 'Invalid positive integer', { param: 'amount' });
    if (remaining === 0)
      return fail(ctx, 400, `Charge for payment intent ${piId} has already been refunded.`, {
        code: 'charge_already_refunded',
      });
    if (amount > remaining) {
      return fail(ctx, 400, `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, {
        code: 'amount_too_large',
        param: 'amount',
      });
    }
    const metadata = metadataOf(params.metadata);
    if (typeof metadata === 'string') return fail(ctx, 400, metadata, { param: 'metadata' });
    pi.refunded += amount;
    ctx.body = {
      id: stripeId('re'),
      object: 'refund',
      amount,
      balance_transaction: stripeId('txn'),
      charge: `ch_${piId.slice(3)}`,
      created: Math.floor(Date.now() / 1000),
      currency: pi.currency,
      destination_details: null,
      metadata,
      payment_intent: piId,
      reason: str(params.reason) ?? null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    };
  });

  return router;
}

const eventSchema = z.object({
  type: z.string().regex(/^[a-z_]+(\.[a-z_]+)+$/),
  object: z.record(z.string(), z.unknown()),
  /** Redeliver an event under the id it had, as Stripe does when it retries. */
  id: z
    .string()
    .regex(/^evt_[A-Za-z0-9]+$/)
    .optional(),
});

export function stripeControlRoutes(sb: Sandbox): Router {
  const router = new Router();

  router.post('/_sandbox/stripe/events', async (ctx) => {
    const input = eventSchema.parse(await jsonBody(ctx));
    ctx.body = await sendEvent(sb, input.type, input.object, input.id);
  });

  /** Pays an open session, as a customer on the hosted page would, and sends checkout.session.completed. */
  router.post('/_sandbox/stripe/checkout/:id/complete', (ctx) => completeCheckout(sb, ctx, false));

  router.get('/checkout/pay/:id', (ctx) => {
    const session = sb.stripe.sessions.get(ctx.params.id ?? '');
    if (!session) return void (ctx.status = 404);
    const amount = `${(Number(session.amount_total) / 100).toFixed(2)} ${String(session.currency).toUpperCase()}`;
    ctx.type = 'text/html';
    ctx.body = `<!doctype html><title>Sandbox Checkout</title><h1>Frontdesk sandbox checkout</h1>
<p>Amount due: ${amount}. Status: ${session.status}.</p>
<form method="post"><button ${session.status === 'open' ? '' : 'disabled'}>Pay (sandbox)</button></form>`;
  });

  router.post('/checkout/pay/:id', (ctx) => completeCheckout(sb, ctx, true));

  return router;
}

async function completeCheckout(sb: Sandbox, ctx: Context, redirect: boolean): Promise<void> {
  const session = sb.stripe.sessions.get(ctx.params.id ?? '');
  if (!session) {
    ctx.status = 404;
    ctx.body = { error: 'no such checkout session' };
    return;
  }
  if (session.status !== 'open') {
    ctx.status = 409;
    ctx.body = { error: `session is ${session.status}` };
    return;
  }
  const pi: PaymentIntent = {
    id: stripeId('pi'),
    amount: Number(session.amount_total),
    currency: String(session.currency),
    metadata: session.payment_intent_metadata,
    refunded: 0,
  };
  sb.stripe.paymentIntents.set(pi.id, pi);
  Object.assign(session, { status: 'complete', payment_status: 'paid', payment_intent: pi.id, url: null });
  const result = await sendEvent(sb, 'checkout.session.completed', publicSession(session));
  if (redirect && typeof session.success_url === 'string') return ctx.redirect(session.success_url);
  ctx.body = { ...result, paymentIntentId: pi.id };
}

/** A Stripe event signed like Stripe signs them (t=…,v1=HMAC-SHA256 of "t.payload"). */
async function sendEvent(
  sb: Sandbox,
  type: string,
  object: Record<string, unknown>,
  id?: string,
): Promise<{ eventId: string; status: number; error?: string }> {
  const secret = sb.options.stripeWebhookSecret;
  const eventId = id ?? stripeId('evt');
  if (!secret) return { eventId, status: 0, error: 'the sandbox has no STRIPE_WEBHOOK_SECRET to sign with' };
  const payload = JSON.stringify(
    {
      id: eventId,
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: Math.floor(Date.now() / 1000),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    },
    null,
    2,
  );
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  const result = await deliver(sb.records, 'stripe-event', `${sb.options.apiUrl}/api/stripe/webhook`, {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Stripe-Signature': `t=${timestamp},v1=${signature}`,
      'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    },
    body: payload,
  });
  return { eventId, status: result.status, ...(result.error ? { error: result.error } : {}) };
}

function publicSession(session: Record<string, unknown>): Record<string, unknown> {
  const { payment_intent_metadata: _hidden, ...rest } = session;
  return rest;
}

/** Stripe's metadata rules: ≤ 50 keys, keys ≤ 40 characters, values ≤ 500 characters. */
function metadataOf(value: unknown): Record<string, string> | string {
  if (value === undefined || value === '') return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'Invalid metadata: must be a hash';
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 50) return 'Invalid metadata: at most 50 keys';
  for (const [k, v] of entries) {
    if (k.length > 40) return `Invalid metadata: key ${k.slice(0, 40)}… is longer than 40 characters`;
    if (typeof v !== 'string' || v.length > 500)
      return `Invalid metadata: the value of ${k} must be a string of at most 500 characters`;
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

async function authenticate(ctx: Context, next: Next): Promise<void> {
  const key = /^Bearer (.+)$/.exec(ctx.get('Authorization'))?.[1] ?? '';
  // Test-mode keys only: a live key pointed at the sandbox is a configuration mistake.
  if (!/^(sk|rk)_test_/.test(key)) {
    const shown = key ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : '';
    return fail(ctx, 401, key ? `Invalid API Key provided: ${shown}` : 'You did not provide an API key.', {});
  }
  await next();
}

/** Stripe's idempotency: the same key with the same request replays the first result. */
async function idempotent(sb: Sandbox, ctx: Context, next: Next): Promise<void> {
  const params = ctx.method === 'POST' ? await formBody(ctx) : { ...ctx.query };
  ctx.state.params = params;
  const key = ctx.get('Idempotency-Key') || null;
  const path = ctx.path;
  const fingerprint = JSON.stringify([ctx.method, path, params]);
  const cached = key ? sb.stripe.idempotency.get(key) : undefined;
  sb.records.sent('stripe', {
    method: ctx.method,
    path,
    params,
    idempotencyKey: key,
    ...(cached ? { replayed: true } : {}),
  });
  ctx.set('Request-Id', `req_${randomBytes(7).toString('hex')}`);
  if (cached) {
    if (cached.fingerprint !== fingerprint) {
      ctx.status = 400;
      ctx.body = {
        error: {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        },
      };
      return;
    }
    ctx.set('Idempotent-Replayed', 'true');
    ctx.status = cached.status;
    ctx.body = cached.body;
    return;
  }
  await next();
  if (key && ctx.method === 'POST' && ctx.status < 300)
    sb.stripe.idempotency.set(key, { fingerprint, status: ctx.status, body: ctx.body });
}

function fail(ctx: Context, status: number, message: string, extra: Record<string, unknown> = {}): void {
  ctx.status = status;
  ctx.body = stripeError(status, message, extra);
}
