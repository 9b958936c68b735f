// The tenant's users. Owners add users of their own business; admins can see who has access.
import Router from '@koa/router';
import { UniqueIntegrityConstraintViolationError } from 'slonik';
import { z } from 'zod';
import { findUser, insertUser, listUsers } from '../../../db/users';
import { NotFoundError } from '../../../errors';
import type { AppDeps } from '../../deps';
import { hashPassword } from '../../auth/passwords';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { FieldConflictError } from '../../field-conflict';
import { idParams } from '../../openapi/common';
import { decodeCursor, toPage } from '../../pagination';
import { createUserBody, listUsersQuery, presentUser, userPage, userSchema } from './schema';

const userCursor = z.object({ createdAt: z.string(), id: z.guid() });

export function usersRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/users' });
  const endpoint = endpointsFor(router, deps, 'Users');

  endpoint({
    method: 'post',
    path: '/',
    operationId: 'createUser',
    errors: { 409: 'The email is already registered' },
    summary: 'Add a user to the business',
    description: 'Owner only. The email must not belong to any account yet (409 naming email).',
    access: 'owner',
    request: { body: createUserBody },
    responses: { 201: { description: 'The new user', schema: userSchema } },
    idempotent: true,
    async handler({ body, db, auth, audit }) {
      const passwordHash = await hashPassword(body.password);
      // A savepoint: a duplicate email must not abort the request's transaction.
      const user = await db
        .transaction((sp) => insertUser(sp, { tenantId: auth.tenantId, email: body.email, passwordHash, role: body.role }))
        .catch((err: unknown) => {
          if (err instanceof UniqueIntegrityConstraintViolationError && err.constraint === 'users_email_key') {
            throw new FieldConflictError('email', 'is already registered');
          }
          throw err;
        });
      await audit({ action: 'user.created', target: `user:${user.id}`, detail: { role: user.role } });
      return { status: 201, body: presentUser(user), headers: { Location: `/api/users/${user.id}` } };
    },
  });

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'listUsers',
    summary: "List the business's users",
    access: 'admin',
    request: { query: listUsersQuery },
    responses: { 200: { description: 'Oldest first', schema: userPage } },
    async handler({ query, db }) {
      const after = decodeCursor(query.cursor, userCursor);
      const rows = await listUsers(db, { limit: query.limit, ...(after ? { after } : {}) });
      return { status: 200, body: toPage(rows, query.limit, presentUser, (r) => ({ createdAt: r.cursor_at, id: r.id })) };
    },
  });

  endpoint({
    method: 'get',
    path: '/:id',
    operationId: 'getUser',
    summary: 'One user',
    access: 'admin',
    request: { params: idParams },
    responses: { 200: { description: 'The user', schema: userSchema } },
    async handler({ params, db }) {
      const user = await findUser(db, params.id);
      if (!user) throw new NotFoundError('No such user');
      return { status: 200, body: presentUser(user) };
    },
  });

  return router;
}
