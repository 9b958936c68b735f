// The tenant's users. Owners add and remove users of their own business; admins invite people
// (an emailed single-use link), see and revoke invitations, and see who has access.
import Router from '@koa/router';
import { UniqueIntegrityConstraintViolationError } from 'slonik';
import { z } from 'zod';
import { findInvitation, listInvitations, revokeInvitation } from '../../../db/invitations';
import { countOwners, deleteUser, findUser, insertUser, listUsers, tenantIdForEmail } from '../../../db/users';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../errors';
import type { AppDeps } from '../../deps';
import { inviteToTenant } from '../../auth/invitations';
import { hashPassword } from '../../auth/passwords';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { FieldConflictError } from '../../field-conflict';
import { idParams } from '../../openapi/common';
import { listPage } from '../../pagination';
import {
  createUserBody,
  invitationPage,
  invitationSchema,
  inviteBody,
  listUsersQuery,
  presentInvitation,
  presentUser,
  userPage,
  userSchema,
} from './schema';

const userCursor = z.object({ createdAt: z.string(), id: z.guid() });
const invitationCursor = z.object({ createdAt: z.string(), id: z.guid() });

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
        .transaction((sp) =>
          insertUser(sp, { tenantId: auth.tenantId, email: body.email, passwordHash, role: body.role }),
        )
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
      const page = await listPage(
        query,
        userCursor,
        (limit, after) => listUsers(db, { limit, ...(after ? { after } : {}) }),
        presentUser,
        (r) => ({ createdAt: r.cursorKey, id: r.id }),
      );
      return { status: 200, body: page };
    },
  });

  endpoint({
    method: 'post',
    path: '/invite',
    operationId: 'inviteUser',
    errors: { 403: 'Only an owner can invite an owner', 409: 'The email already has an account' },
    summary: 'Invite someone to the business',
    description:
      'Admin. The invitee is emailed (through the email workflow) a single-use link valid for 72 hours; they accept it by setting a password (POST /api/auth/accept-invite) or by signing in through SSO with this email. A new invitation for the same email replaces a pending one.',
    access: 'admin',
    request: { body: inviteBody },
    responses: { 201: { description: 'The invitation', schema: invitationSchema } },
    idempotent: true,
    async handler({ body, db, auth, audit }) {
      if (body.role === 'owner' && auth.role !== 'owner') throw new ForbiddenError('Only an owner can invite an owner');
      if (await tenantIdForEmail(db, body.email)) throw new FieldConflictError('email', 'already has an account');
      const { invitation, emailId } = await inviteToTenant(db, deps, {
        tenantId: auth.tenantId,
        email: body.email,
        role: body.role,
        invitedBy: auth.userId,
      });
      await audit({
        action: 'user.invited',
        target: `invitation:${invitation.id}`,
        detail: { role: body.role, emailId },
      });
      return {
        status: 201,
        body: presentInvitation(invitation),
        headers: { Location: `/api/users/invites/${invitation.id}` },
      };
    },
  });

  endpoint({
    method: 'get',
    path: '/invites',
    operationId: 'listInvitations',
    summary: "The business's invitations",
    description: 'Admin. Oldest first, each with its status: pending, accepted, revoked or expired.',
    access: 'admin',
    request: { query: listUsersQuery },
    responses: { 200: { description: 'Oldest first', schema: invitationPage } },
    async handler({ query, db }) {
      const now = new Date();
      const page = await listPage(
        query,
        invitationCursor,
        (limit, after) => listInvitations(db, { limit, ...(after ? { after } : {}) }),
        (r) => presentInvitation(r, now),
        (r) => ({ createdAt: r.cursorKey, id: r.id }),
      );
      return { status: 200, body: page };
    },
  });

  endpoint({
    method: 'delete',
    path: '/invites/:id',
    operationId: 'revokeInvitation',
    errors: { 409: 'The invitation was already accepted, revoked or has expired' },
    summary: 'Revoke an invitation',
    description: 'Admin. Its link stops working at once (404 on accept).',
    access: 'admin',
    request: { params: idParams },
    responses: { 204: { description: 'Revoked' } },
    async handler({ params, db, audit }) {
      if (!(await revokeInvitation(db, params.id))) {
        if (!(await findInvitation(db, params.id))) throw new NotFoundError('No such invitation');
        throw new ConflictError('The invitation is no longer pending');
      }
      await audit({ action: 'invitation.revoked', target: `invitation:${params.id}` });
      return { status: 204 };
    },
  });

  endpoint({
    method: 'delete',
    path: '/:id',
    operationId: 'deleteUser',
    errors: { 409: 'You cannot remove yourself, nor the last owner' },
    summary: 'Remove a user from the business',
    description:
      "Owner only. The user's refresh tokens stop working at once; an access token they hold lapses within 15 minutes.",
    access: 'owner',
    request: { params: idParams },
    responses: { 204: { description: 'Removed' } },
    async handler({ params, db, auth, audit }) {
      if (params.id === auth.userId) throw new ConflictError('You cannot remove yourself');
      const user = await findUser(db, params.id);
      if (!user) throw new NotFoundError('No such user');
      if (user.role === 'owner' && (await countOwners(db)) <= 1)
        throw new ConflictError('The last owner cannot be removed');
      await deleteUser(db, user.id);
      await audit({ action: 'user.removed', target: `user:${user.id}`, detail: { role: user.role } });
      return { status: 204 };
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
