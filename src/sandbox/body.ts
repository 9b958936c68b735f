// Request bodies as each provider's clients send them: JSON (Google, Anthropic) or form-encoded
// with bracketed keys (Stripe's `metadata[invoiceId]`, Twilio's `StatusCallback`).
import parse from 'co-body';
import type { Context } from 'koa';

const LIMIT = '50mb'; // Gmail accepts messages up to 35 MB as raw base64url

export async function jsonBody(ctx: Context): Promise<Record<string, unknown>> {
  if (!ctx.request.length && !ctx.request.type) return {};
  const body: unknown = await parse.json(ctx.req, { limit: LIMIT });
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

export async function formBody(ctx: Context): Promise<Record<string, unknown>> {
  if (!ctx.request.length) return {};
  return (await parse.form(ctx.req, {
    limit: LIMIT,
    queryString: { allowDots: false, depth: 10, arrayLimit: 1000, parameterLimit: 10_000 },
  })) as Record<string, unknown>;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
