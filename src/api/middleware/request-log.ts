import type { Next } from 'koa';
import type { AppContext } from '../context';

/** A client's self-service link is a credential: its token never reaches the logs. */
const LINK_TOKEN = /^(\/api\/public\/bookings\/)[^/]+/;

/** One structured line per request, with tenant and status, once the response is decided. */
export function requestLog() {
  return async function requestLogMiddleware(ctx: AppContext, next: Next): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const level = ctx.status >= 500 ? 'error' : 'info';
      ctx.state.log[level](
        {
          method: ctx.method,
          path: ctx.path.replace(LINK_TOKEN, '$1<token>'),
          status: ctx.status,
          ms: Math.round(ms * 10) / 10,
          tenantId: ctx.state.auth?.tenantId,
          userId: ctx.state.auth?.userId,
        },
        'request',
      );
    }
  };
}
