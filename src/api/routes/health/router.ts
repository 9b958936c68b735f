// Health without a token. /api/health/ is readiness: every dependency answers (Railway's
// healthcheck calls it before a deploy takes traffic). /api/health/live is liveness: the process
// serves HTTP, touching no dependency, so a restart is never ordered because Postgres blinked.
// Each answers its own 503 with the same body, and none is cached.
import Router from '@koa/router';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { z } from '../../openapi/zod';
import { checkDatabase, checkEncryption, checkTemporal } from './checks';

const checkStatus = z.enum(['ok', 'fail']);
const readiness = z
  .object({
    status: checkStatus,
    checks: z.object({ db: checkStatus, temporal: checkStatus, encryption: checkStatus }),
    version: z.string(),
  })
  .openapi('Readiness');
const liveness = z.object({ status: z.literal('ok') }).openapi('Liveness');
const databaseHealth = z.object({ status: checkStatus, latencyMs: z.number() }).openapi('DatabaseHealth');
const encryptionHealth = z.object({ status: checkStatus }).openapi('EncryptionHealth');

const noStore = { 'Cache-Control': 'no-store' };

export function healthRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/health' });
  const endpoint = endpointsFor(router, deps, 'Health');

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'getReadiness',
    summary: 'Readiness: Postgres, Temporal and the encryption key all answer',
    access: 'public',
    responses: {
      200: { description: 'Ready', schema: readiness },
      503: { description: 'A dependency failed (named in checks)', schema: readiness },
    },
    standalone: true,
    async handler() {
      const [db, temporal] = await Promise.all([checkDatabase(deps.pool), checkTemporal(deps.temporal)]);
      const checks = { db: db.status, temporal, encryption: checkEncryption(deps.config.encryptionKey) };
      const ok = Object.values(checks).every((c) => c === 'ok');
      return {
        status: ok ? 200 : 503,
        headers: noStore,
        body: { status: ok ? 'ok' : 'fail', checks, version: deps.config.version },
      };
    },
  });

  endpoint({
    method: 'get',
    path: '/live',
    operationId: 'getLiveness',
    summary: 'Liveness: the process serves HTTP (no dependency is asked)',
    access: 'public',
    responses: { 200: { description: 'Alive', schema: liveness } },
    standalone: true,
    async handler() {
      return { status: 200, headers: noStore, body: { status: 'ok' as const } };
    },
  });

  endpoint({
    method: 'get',
    path: '/db',
    operationId: 'getDatabaseHealth',
    summary: 'Postgres answers a query, and how fast',
    access: 'public',
    responses: {
      200: { description: 'Postgres answered', schema: databaseHealth },
      503: { description: 'Postgres did not answer within 2 s', schema: databaseHealth },
    },
    standalone: true,
    async handler() {
      const db = await checkDatabase(deps.pool);
      return {
        status: db.status === 'ok' ? 200 : 503,
        headers: noStore,
        body: { status: db.status, latencyMs: db.latencyMs },
      };
    },
  });

  endpoint({
    method: 'get',
    path: '/encryption',
    operationId: 'getEncryptionHealth',
    summary: 'The encryption key decrypts what it encrypts',
    access: 'public',
    responses: {
      200: { description: 'The key works', schema: encryptionHealth },
      503: { description: 'The key is missing or broken', schema: encryptionHealth },
    },
    standalone: true,
    async handler() {
      const status = checkEncryption(deps.config.encryptionKey);
      return { status: status === 'ok' ? 200 : 503, headers: noStore, body: { status } };
    },
  });

  return router;
}
