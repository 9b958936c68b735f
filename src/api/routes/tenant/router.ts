// The caller's own business: its name, time zone and the reminder schedule new invoices get when
// they bring none. Changing the schedule leaves running reminders as they are (their plan was made
// when the invoice was created; POST /api/invoices/:id/reschedule changes one).
import Router from '@koa/router';
import { findTenant, updateTenant } from '../../../db/tenants';
import { NotFoundError } from '../../../errors';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { presentTenant, tenantSchema } from '../users/schema';
import { updateTenantBody } from './schema';

export function tenantRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/tenant' });
  const endpoint = endpointsFor(router, deps, 'Business');

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'getTenant',
    summary: 'Your business',
    access: 'staff',
    responses: { 200: { description: 'The business', schema: tenantSchema } },
    async handler({ db, auth }) {
      const tenant = await findTenant(db, auth.tenantId);
      if (!tenant) throw new NotFoundError('No such business');
      return { status: 200, body: presentTenant(tenant) };
    },
  });

  endpoint({
    method: 'patch',
    path: '/',
    operationId: 'updateTenant',
    summary: 'Change your business: name, time zone, default reminder schedule, whether SSO is required',
    description:
      'Only the fields sent change. The reminder schedule applies to invoices created afterwards without their own scheduleDays.',
    access: 'owner',
    request: { body: updateTenantBody },
    responses: { 200: { description: 'The business', schema: tenantSchema } },
    async handler({ db, auth, body, audit }) {
      const tenant = await updateTenant(db, auth.tenantId, body);
      if (!tenant) throw new NotFoundError('No such business');
      await audit({
        action: 'tenant.updated',
        target: `tenant:${auth.tenantId}`,
        detail: { fields: Object.keys(body) },
      });
      return { status: 200, body: presentTenant(tenant) };
    },
  });

  return router;
}
