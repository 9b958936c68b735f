// Parses JSON request bodies for every route, with the contract's codes: 415 for a body that is
// not JSON, 400 for malformed JSON, 413 past the size limit. Webhook routes that must see the raw
// bytes (signatures) or a form body opt out and read the stream themselves.
import coBody from 'co-body';
import type { Next } from 'koa';
import { UnsupportedMediaTypeError } from '../../errors';
import type { AppContext } from '../context';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function jsonBody(options: { limitBytes: number; rawPaths: readonly string[] }) {
  return async function jsonBodyMiddleware(ctx: AppContext, next: Next): Promise<void> {
    if (!METHODS_WITH_BODY.has(ctx.method) || options.rawPaths.includes(ctx.path)) return next();
    const hasBody = ctx.request.length > 0 || ctx.get('Transfer-Encoding') !== '';
    if (!hasBody) {
      ctx.request.body = undefined;
      return next();
    }
    if (!ctx.is('application/json', 'application/*+json')) {
      throw new UnsupportedMediaTypeError('Send the body as application/json');
    }
    ctx.request.body = await coBody.json(ctx.req, { limit: options.limitBytes, strict: true });
    return next();
  };
}

declare module 'koa' {
  interface Request {
    body?: unknown;
    rawBody?: string;
  }
}
