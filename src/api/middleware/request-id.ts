import { randomUUID } from 'node:crypto';
import type { Next } from 'koa';
import type { Logger } from '../../observability/logger';
import type { AppContext } from '../context';

/** A caller's id is kept when it is short and plain, so it can be logged and echoed safely. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(logger: Logger) {
  return async function requestIdMiddleware(ctx: AppContext, next: Next): Promise<void> {
    const given = ctx.get('X-Request-Id');
    const id = SANE_REQUEST_ID.test(given) ? given : randomUUID();
    ctx.state.requestId = id;
    ctx.state.log = logger.child({ requestId: id });
    ctx.set('X-Request-Id', id);
    await next();
  };
}
