// Health without a token. /api/health/ is readiness: every dependency answers (Railway's
// healthcheck calls it before a deploy takes traffic). /api/health/live is liveness: the process
// serves HTTP, touching no dependency, so a restart is never ordered because Postgres blinked.
import Router from '@koa/router';
import type { AppDeps } from '../../app';
import type { AppState } from '../../context';
import { checkDatabase, checkEncryption, checkTemporal } from './checks';

export function healthRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/health' });

  router.get('/', async (ctx) => {
    const [db, temporal] = await Promise.all([checkDatabase(deps.pool), checkTemporal(deps.temporal)]);
    const checks = { db: db.status, temporal, encryption: checkEncryption(deps.config.encryptionKey) };
    const ok = Object.values(checks).every((c) => c === 'ok');
    ctx.status = ok ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: ok ? 'ok' : 'fail', checks, version: deps.config.version };
  });

  router.get('/live', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });

  router.get('/db', async (ctx) => {
    const db = await checkDatabase(deps.pool);
    ctx.status = db.status === 'ok' ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: db.status, latencyMs: db.latencyMs };
  });

  router.get('/encryption', (ctx) => {
    const status = checkEncryption(deps.config.encryptionKey);
    ctx.status = status === 'ok' ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status };
  });

  return router;
}
