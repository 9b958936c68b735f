// Two kinds of metrics. GET /api/metrics: a business's own figures, for its owner and staff.
// GET /metrics: the process's Prometheus text for ops (HTTP latency, workflow starts, webhook
// outcomes), behind METRICS_TOKEN when it is set.
import { createHash, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import { businessFigures } from '../../../db/business-figures';
import { UnauthorizedError } from '../../../errors';
import { metrics } from '../../../observability/metrics';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { businessFiguresSchema } from './schema';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function metricsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const endpoint = endpointsFor(router, deps, 'Metrics');
  const token = deps.config.http.metricsToken;

  endpoint({
    method: 'get',
    path: '/api/metrics',
    operationId: 'getBusinessMetrics',
    summary: "The business's figures",
    description:
      'Invoices by state with the amounts collected (net of refunds) and outstanding per currency, reminders sent, emails sent/failed/retried, texts sent/delivered/failed/received, unsafe threads open and resolved. All time, counted live.',
    access: 'staff',
    responses: { 200: { description: 'Figures', schema: businessFiguresSchema } },
    async handler({ db }) {
      return { status: 200, body: await businessFigures(db) };
    },
  });

  endpoint({
    method: 'get',
    path: '/metrics',
    operationId: 'getPrometheusMetrics',
    security: 'metrics',
    errors: { 401: 'METRICS_TOKEN is set and the bearer token is not it' },
    summary: 'Prometheus metrics of this API process',
    description:
      'Prometheus text format: frontdesk_http_request_duration_seconds (by method, route template, status), frontdesk_workflow_starts_total (by workflow type, outcome), frontdesk_webhook_outcomes_total (by provider, outcome), and the Node process metrics. Needs `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set.',
    access: 'public',
    responses: { 200: { description: 'Prometheus text exposition format', contentType: 'text/plain' } },
    async handler({ ctx }) {
      if (token) {
        const given = /^Bearer (.+)$/.exec(ctx.get('Authorization'))?.[1] ?? '';
        // Compared as digests: constant time, whatever the lengths.
        if (!timingSafeEqual(digest(given), digest(token)))
          throw new UnauthorizedError('GET /metrics needs the METRICS_TOKEN bearer token');
      }
      const registry = metrics().registry;
      return {
        status: 200,
        body: await registry.metrics(),
        headers: { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' },
      };
    },
  });

  return router;
}
