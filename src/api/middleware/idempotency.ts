// Idempotency-Key on creating POSTs. The first request with a key runs and its 2xx response is
// stored with the key, in the same tenant transaction as what it created; a repeat with the same
// body gets that response back (Idempotent-Replayed: true), a repeat with another body gets 409.
// Two requests racing with one key are serialised by the key's primary key: the second waits for
// the first to commit and then replays it. A request that fails stores nothing, so it can be retried.
import { createHash } from 'node:crypto';
import type { Next } from 'koa';
import { ValidationError } from '../../errors';
import {
  claimIdempotencyKey,
  findIdempotencyKey,
  releaseIdempotencyKey,
  storeIdempotentResponse,
} from '../../db/idempotency';
import type { AppContext } from '../context';
import { FieldConflictError } from '../field-conflict';

const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

/** JSON with object keys sorted, so the same body sent with keys in another order matches. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function fingerprint(ctx: AppContext): string {
  return createHash('sha256')
    .update(`${ctx.method} ${ctx.path}\n${canonicalJson(ctx.request.body ?? null)}`)
    .digest('hex');
}

export function idempotency(options: { ttlHours: number }) {
  return async function idempotencyMiddleware(ctx: AppContext, next: Next): Promise<void> {
    const key = ctx.get('Idempotency-Key');
    if (key === '') return next();
    const { db, auth } = ctx.state;
    if (!db || !auth) throw new Error('idempotency runs inside the tenant transaction');
    if (!KEY_SHAPE.test(key)) {
      throw new ValidationError([{ path: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' }]);
    }

    const requestHash = fingerprint(ctx);
    if (!(await claimIdempotencyKey(db, auth.tenantId, key, requestHash, options.ttlHours))) {
      const stored = await findIdempotencyKey(db, key);
      if (!stored || stored.responseStatus === null) {
        throw new FieldConflictError('Idempotency-Key', 'is in use by a request that has not finished; retry shortly');
      }
      if (stored.requestHash !== requestHash) {
        throw new FieldConflictError('Idempotency-Key', 'was already used with a different request');
      }
      ctx.status = stored.responseStatus;
      ctx.body = stored.responseBody ?? undefined;
      if (stored.responseLocation) ctx.set('Location', stored.responseLocation);
      ctx.set('Idempotent-Replayed', 'true');
      return;
    }

    await next();
    if (ctx.status >= 200 && ctx.status < 300) {
      const location = ctx.response.get('Location');
      await storeIdempotentResponse(db, key, { status: ctx.status, body: ctx.body, location: location || null });
    } else {
      await releaseIdempotencyKey(db, key);
    }
  };
}
