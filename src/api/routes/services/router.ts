// The services a business books: what each takes (duration, buffer after) and costs. Archiving
// (DELETE) takes a service off the menu and frees its name; bookings made for it keep pointing at
// it, so nothing is ever deleted.
import Router from '@koa/router';
import { z } from 'zod';
import { archiveService, findService, insertService, listServices, updateService } from '../../../db/services';
import { ConflictError, NotFoundError } from '../../../errors';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { listPage } from '../../pagination';
import {
  createServiceBody,
  idParams,
  listServicesQuery,
  presentService,
  serviceSchema,
  servicePage,
  updateServiceBody,
} from './schema';

const serviceCursor = z.object({ name: z.string(), id: z.guid() });

export function servicesRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/services' });
  const endpoint = endpointsFor(router, deps, 'Services');

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'listServices',
    summary: 'List services',
    description: 'Alphabetical; archived ones only with includeArchived=true.',
    access: 'staff',
    request: { query: listServicesQuery },
    responses: { 200: { description: 'A page of services', schema: servicePage } },
    async handler({ query, db }) {
      const page = await listPage(
        query,
        serviceCursor,
        (limit, after) =>
          listServices(db, { includeArchived: query.includeArchived ?? false, limit, ...(after ? { after } : {}) }),
        presentService,
        (s) => ({ name: s.cursorKey, id: s.id }),
      );
      return { status: 200, body: page };
    },
  });

  endpoint({
    method: 'post',
    path: '/',
    operationId: 'createService',
    errors: { 409: 'An active service has this name, or the Idempotency-Key was used for another request' },
    summary: 'Add a service',
    description: 'Admin or owner. 409 naming name when another active service has it.',
    access: 'admin',
    request: { body: createServiceBody },
    responses: { 201: { description: 'The new service', schema: serviceSchema } },
    idempotent: true,
    async handler({ body, db, auth, audit }) {
      const service = await insertService(db, auth.tenantId, {
        name: body.name,
        description: body.description ?? null,
        durationMinutes: body.durationMinutes,
        bufferMinutes: body.bufferMinutes ?? 0,
        priceCents: body.priceCents ?? null,
        currency: body.currency ?? 'usd',
      });
      await audit({
        action: 'service.created',
        target: `service:${service.id}`,
        detail: { name: service.name, durationMinutes: service.durationMinutes },
      });
      return { status: 201, body: presentService(service), headers: { Location: `/api/services/${service.id}` } };
    },
  });

  endpoint({
    method: 'get',
    path: '/:id',
    operationId: 'getService',
    summary: 'One service (archived ones too)',
    access: 'staff',
    request: { params: idParams },
    responses: { 200: { description: 'The service', schema: serviceSchema } },
    async handler({ params, db }) {
      const service = await findService(db, params.id);
      if (!service) throw new NotFoundError('No such service');
      return { status: 200, body: presentService(service) };
    },
  });

  endpoint({
    method: 'patch',
    path: '/:id',
    operationId: 'updateService',
    errors: { 409: 'The service is archived, or an active service has this name' },
    summary: 'Change a service',
    description:
      'Admin or owner. Only the fields sent change; bookings already made keep their times. 409 for an archived service, or naming name when another active service has it.',
    access: 'admin',
    request: { params: idParams, body: updateServiceBody },
    responses: { 200: { description: 'The service', schema: serviceSchema } },
    async handler({ params, body, db, audit }) {
      const current = await findService(db, params.id);
      if (!current) throw new NotFoundError('No such service');
      if (current.archivedAt) throw new ConflictError('The service is archived: archived services do not change');
      const service = await updateService(db, current.id, body);
      if (!service) throw new ConflictError('The service is archived: archived services do not change');
      await audit({
        action: 'service.updated',
        target: `service:${service.id}`,
        detail: { fields: Object.keys(body) },
      });
      return { status: 200, body: presentService(service) };
    },
  });

  endpoint({
    method: 'delete',
    path: '/:id',
    operationId: 'archiveService',
    summary: 'Archive a service',
    description:
      'Admin or owner. The service leaves the menu (no new bookings) and its name is free again; its bookings keep it. Archiving twice changes nothing.',
    access: 'admin',
    request: { params: idParams },
    responses: { 200: { description: 'The archived service', schema: serviceSchema } },
    async handler({ params, db, audit }) {
      const service = await archiveService(db, params.id);
      if (!service) throw new NotFoundError('No such service');
      await audit({ action: 'service.archived', target: `service:${service.id}` });
      return { status: 200, body: presentService(service) };
    },
  });

  return router;
}
