// Parses JSON request bodies for every route, with the contract's codes: 415 for a body that is
// not JSON, 400 for malformed JSON, 413 past the size limit. Webhook routes that must see the raw
// bytes (signatures) or a form body opt out and read the stream themselves.
import coBody from 'co-body';
import type { Next } from 'koa';
import { BadRequestError, UnsupportedMediaTypeError } from '../../errors';
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
    ctx.request.body = await readJson(ctx, options.limitBytes);
    return next();
  };
}

const DECODED_ENCODINGS = 'identity, gzip, deflate or br';

async function readJson(ctx: AppContext, limitBytes: number): Promise<unknown> {
  const encoding = ctx.get('Content-Encoding').trim().toLowerCase() || 'identity';
  try {
    return await coBody.json(ctx.req, { limit: limitBytes, strict: true });
  } catch (err) {
    throw bodyProblem(err as BodyReadError, encoding) ?? err;
  }
}

/** What raw-body, inflation, zlib and bourne throw, as far as it is read here. */
interface BodyReadError {
  status?: number;
  type?: string;
  code?: string;
  message?: string;
}

/** The reader's error as a problem the client can act on; null leaves it to the error handler. */
function bodyProblem(err: BodyReadError, encoding: string): Error | null {
  // inflation says so with a bare 415, raw-body with its `encoding.unsupported` type.
  if (err.type === 'encoding.unsupported' || (err.status === 415 && /Content-Encoding/i.test(err.message ?? ''))) {
    return new UnsupportedMediaTypeError(`Content-Encoding "${encoding}" is not supported; send ${DECODED_ENCODINGS}`);
  }
  // zlib's own errors carry a code and no http status: the body is not what its header says.
  if (err.status === undefined && typeof err.code === 'string' && encoding !== 'identity') {
    return new BadRequestError(`The body is not valid ${encoding} data, as its Content-Encoding says`);
  }
  // bourne refuses keys that would reach Object.prototype; saying "not JSON" would be untrue.
  if (err.status === 400 && /prototype/i.test(err.message ?? '')) {
    return new BadRequestError('The body has a "__proto__" or "constructor.prototype" key, which is not accepted');
  }
  return null;
}

declare module 'koa' {
  interface Request {
    body?: unknown;
    rawBody?: string;
  }
}
