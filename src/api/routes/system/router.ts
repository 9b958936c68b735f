// What an operator checks first: versions, uptime, whether workers poll, database and integrations.
import Router from '@koa/router';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { checkDatabase } from '../health/checks';
import { countWorkerPollers } from './pollers';
import { probeService } from './services';
import { systemStatusSchema } from './schema';

export function systemRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/system' });
  const endpoint = endpointsFor(router, deps, 'System');
  const { config } = deps;

  endpoint({
    method: 'get',
    path: '/status',
    operationId: 'getSystemStatus',
    summary: 'Version, uptime, Temporal workers, database, integration modes and the optional outside services',
    access: 'admin',
    // Reads no tenant data, and must answer (db.ok: false) while the database is down.
    transaction: false,
    responses: { 200: { description: 'System status', schema: systemStatusSchema } },
    async handler() {
      const [db, pollers, nova, eli] = await Promise.all([
        checkDatabase(deps.pool),
        countWorkerPollers(deps.temporal, config.temporal.namespace, config.temporal.taskQueue),
        probeService(config.services.novaUrl),
        probeService(config.services.eliUrl),
      ]);
      const { gmail, calendar, stripe, twilio, anthropic } = config.integrations;
      return {
        status: 200,
        body: {
          version: config.version,
          uptimeS: Math.floor(process.uptime()),
          temporal: {
            address: config.temporal.address,
            namespace: config.temporal.namespace,
            taskQueue: config.temporal.taskQueue,
            workerPollers: pollers.total,
            taskQueues: pollers.queues,
            ok: pollers.total !== null,
          },
          db: { ok: db.status === 'ok' },
          integrations: { gmail, calendar, stripe, twilio, anthropic },
          services: { nova, eli },
        },
      };
    },
  });

  return router;
}
