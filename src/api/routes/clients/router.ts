// The business's clients: the people invoices, emails and SMS are for.
import Router from '@koa/router';
import { ForeignKeyIntegrityConstraintViolationError } from 'slonik';
import { z } from 'zod';
import { deleteClient, findClient, insertClient, listClients, updateClient } from '../../../db/clients';
import { ConflictError, NotFoundError } from '../../../errors';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { listPage } from '../../pagination';
import {
  clientPage,
  clientSchema,
  createClientBody,
  idParams,
  listClientsQuery,
  presentClient,
  updateClientBody,
} from './schema';

const clientCursor = z.object({ name: z.string(), id: z.guid() });
const DEFAULT_CONSENT_SOURCE = 'api';

export function clientsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/clients' });
  const endpoint = endpointsFor(router, deps, 'Clients');

  endpoint({
    method: 'post',
    path: '/',
    operationId: 'createClient',
    summary: 'Add a client',
    access: 'staff',
    request: { body: createClientBody },
    responses: { 201: { description: 'The new client', schema: clientSchema } },
    idempotent: true,
    async handler({ body, db, auth, audit }) {
      const client = await insertClient(db, auth.tenantId, {
        name: body.name,
        email: body.email ?? null,
        phone: body.phone ?? null,
        timezone: body.timezone ?? null,
        notes: body.notes ?? null,
        smsConsent:
          body.smsConsent === undefined
            ? null
            : { granted: body.smsConsent, source: body.smsConsentSource ?? DEFAULT_CONSENT_SOURCE },
      });
      await audit({
        action: 'client.created',
        target: `client:${client.id}`,
        detail: { fields: Object.keys(body).sort() },
      });
      return { status: 201, body: presentClient(client), headers: { Location: `/api/clients/${client.id}` } };
    },
  });

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'listClients',
    summary: 'List clients',
    description: 'Alphabetical by name. `search` matches part of the name, email or phone.',
    access: 'staff',
    request: { query: listClientsQuery },
    responses: { 200: { description: 'A page of clients', schema: clientPage } },
    async handler({ query, db }) {
      const page = await listPage(
        query,
        clientCursor,
        (limit, after) =>
          listClients(db, { limit, ...(query.search ? { search: query.search } : {}), ...(after ? { after } : {}) }),
        presentClient,
        (r) => ({ name: r.cursorKey, id: r.id }),
      );
      return { status: 200, body: page };
    },
  });

  endpoint({
    method: 'get',
    path: '/:id',
    operationId: 'getClient',
    summary: 'One client',
    access: 'staff',
    request: { params: idParams },
    responses: { 200: { description: 'The client', schema: clientSchema } },
    async handler({ params, db }) {
      const client = await findClient(db, params.id);
      if (!client) throw new NotFoundError('No such client');
      return { status: 200, body: presentClient(client) };
    },
  });

  endpoint({
    method: 'patch',
    path: '/:id',
    operationId: 'updateClient',
    summary: 'Change a client',
    description:
      'Only the fields sent change; null clears email, phone, timezone or notes. A change of smsConsent is stamped with the time and source.',
    access: 'staff',
    request: { params: idParams, body: updateClientBody },
    responses: { 200: { description: 'The client after the change', schema: clientSchema } },
    async handler({ params, body, db, audit }) {
      const { smsConsent, smsConsentSource, ...fields } = body;
      const client = await updateClient(db, params.id, {
        ...fields,
        ...(smsConsent === undefined
          ? {}
          : { smsConsent: { granted: smsConsent, source: smsConsentSource ?? DEFAULT_CONSENT_SOURCE } }),
      });
      if (!client) throw new NotFoundError('No such client');
      await audit({
        action: 'client.updated',
        target: `client:${client.id}`,
        detail: { fields: Object.keys(body).sort() },
      });
      return { status: 200, body: presentClient(client) };
    },
  });

  endpoint({
    method: 'delete',
    path: '/:id',
    operationId: 'deleteClient',
    errors: { 409: 'The client still has records that refer to it (invoices, texts)' },
    summary: 'Delete a client',
    description: 'Admin or owner. 409 while other records (e.g. invoices) still refer to the client.',
    access: 'admin',
    request: { params: idParams },
    responses: { 204: { description: 'Deleted' } },
    async handler({ params, db, audit }) {
      const deleted = await db
        .transaction((sp) => deleteClient(sp, params.id))
        .catch((err: unknown) => {
          if (err instanceof ForeignKeyIntegrityConstraintViolationError) {
            throw new ConflictError('The client still has records that refer to it (e.g. invoices)', { cause: err });
          }
          throw err;
        });
      if (!deleted) throw new NotFoundError('No such client');
      await audit({ action: 'client.deleted', target: `client:${params.id}` });
      return { status: 204 };
    },
  });

  return router;
}
