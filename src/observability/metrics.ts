// Prometheus metrics of this process, for ops (GET /metrics on the API). One registry per process,
// not prom-client's global one, so nothing another library registers leaks in. What is counted:
// HTTP requests and their latency by route template (never the raw path, which carries ids),
// workflow starts by type (counted by a Temporal client interceptor, so every start is seen
// whichever code path made it), and webhook outcomes by provider.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  workflowStarts: Counter<'workflow_type' | 'outcome'>;
  webhookOutcomes: Counter<'provider' | 'outcome'>;
}

function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'frontdesk_' });
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'frontdesk_http_request_duration_seconds',
      help: 'HTTP request latency by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    workflowStarts: new Counter({
      name: 'frontdesk_workflow_starts_total',
      help: 'Workflow starts (start and signal-with-start) by workflow type and outcome',
      labelNames: ['workflow_type', 'outcome'],
      registers: [registry],
    }),
    webhookOutcomes: new Counter({
      name: 'frontdesk_webhook_outcomes_total',
      help: 'Provider webhooks by provider and outcome (applied, accepted, duplicate, ignored, rejected, error)',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    }),
  };
}

let current: Metrics | null = null;

/** The process's metrics, created on first use. */
export function metrics(): Metrics {
  current ??= createMetrics();
  return current;
}
