// Times every request into the process's Prometheus histogram, labelled by the route template
// (/api/clients/:id, never the path with its ids) so the label set stays small. Requests to the
// providers' webhooks are also counted by outcome: what the handler reported
// (ctx.state.webhookOutcome), else what the status says (rejected for a failed signature or a bad
// body, error for anything else).
import type { Next } from 'koa';
import { metrics } from '../../observability/metrics';
import type { AppContext } from '../context';
import { WEBHOOKS } from '../webhooks';

export function httpMetrics() {
  return async function httpMetricsMiddleware(ctx: AppContext, next: Next): Promise<void> {
    const stop = metrics().httpRequestDuration.startTimer();
    try {
      await next();
    } finally {
      // The error handler runs inside this middleware, so ctx.status is the final status here.
      const matched = (ctx as AppContext & { _matchedRoute?: string | RegExp })._matchedRoute;
      stop({
        method: ctx.method,
        route: typeof matched === 'string' ? matched : 'unmatched',
        status: String(ctx.status),
      });
      const provider = ctx.method === 'POST' ? WEBHOOKS[ctx.path] : undefined;
      if (provider) {
        const outcome =
          ctx.state.webhookOutcome ?? (ctx.status < 300 ? 'accepted' : ctx.status < 500 ? 'rejected' : 'error');
        metrics().webhookOutcomes.inc({ provider, outcome });
      }
    }
  };
}
