// The tenant's audit trail, for owners: every change, who made it and in which request.
import Router from '@koa/router';
import { z } from 'zod';
import { listAuditEntries } from '../../../db/audit';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { listPage } from '../../pagination';
import { auditPage, auditQuery, presentAuditEntry } from './schema';

const auditCursor = z.object({ at: z.string(), id: z.guid() });

export function auditRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/audit' });
  const endpoint = endpointsFor(router, deps, 'Audit');

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'listAuditEntries',
    summary: 'The audit log, newest first',
    access: 'owner',
    request: { query: auditQuery },
    responses: { 200: { description: 'A page of audit entries', schema: auditPage } },
    async handler({ query, db }) {
      const page = await listPage(
        query,
        auditCursor,
        (limit, before) =>
          listAuditEntries(db, {
            limit,
            ...(query.target ? { target: query.target } : {}),
            ...(query.action ? { action: query.action } : {}),
            ...(before ? { before } : {}),
          }),
        presentAuditEntry,
        (r) => ({ at: r.cursorKey, id: r.id }),
      );
      return { status: 200, body: page };
    },
  });

  return router;
}
