// Threads the guardian found unsafe, and their resolution by the business. Resolving as safe lets
// automatic replies run on the thread again; handled or blocked keeps them paused.
import Router from '@koa/router';
import { z } from 'zod';
import {
  findUnsafeThread,
  listUnsafeThreads,
  resolveUnsafeThread,
  threadAutoReplyPaused,
} from '../../../db/unsafe-threads';
import { ConflictError, NotFoundError } from '../../../errors';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { listPage } from '../../pagination';
import {
  idParams,
  listUnsafeThreadsQuery,
  presentUnsafeThread,
  resolveBody,
  resolvedSchema,
  unsafeThreadPage,
  unsafeThreadSchema,
} from './schema';

const unsafeCursor = z.object({ flaggedAt: z.iso.datetime(), id: z.guid() });

export function unsafeThreadsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/unsafe-threads' });
  const endpoint = endpointsFor(router, deps, 'Guardian');

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'listUnsafeThreads',
    summary: 'Unsafe threads',
    description:
      'Threads the guardian flagged (one per thread and category), most recently flagged first. `status=open` lists the ones still to deal with.',
    access: 'staff',
    request: { query: listUnsafeThreadsQuery },
    responses: { 200: { description: 'A page of unsafe threads', schema: unsafeThreadPage } },
    async handler({ query, db }) {
      const page = await listPage(
        query,
        unsafeCursor,
        (limit, before) =>
          listUnsafeThreads(db, {
            limit,
            ...(query.status ? { status: query.status } : {}),
            ...(before ? { before } : {}),
          }),
        presentUnsafeThread,
        (u) => ({ flaggedAt: u.flaggedAt, id: u.id }),
      );
      return { status: 200, body: page };
    },
  });

  endpoint({
    method: 'get',
    path: '/:id',
    operationId: 'getUnsafeThread',
    summary: 'One unsafe thread',
    access: 'staff',
    request: { params: idParams },
    responses: { 200: { description: 'The unsafe thread', schema: unsafeThreadSchema } },
    async handler({ params, db }) {
      const found = await findUnsafeThread(db, params.id);
      if (!found) throw new NotFoundError('No such unsafe thread');
      return { status: 200, body: presentUnsafeThread(found) };
    },
  });

  endpoint({
    method: 'post',
    path: '/:id/resolve',
    operationId: 'resolveUnsafeThread',
    errors: { 409: 'The unsafe thread is already resolved' },
    summary: 'Resolve an unsafe thread',
    description:
      'safe: a false alarm, automatic replies resume (unless another finding on the thread is open or its sender was blocked); handled or blocked: they stay paused. 409 when already resolved.',
    access: 'admin',
    request: { params: idParams, body: resolveBody },
    responses: { 200: { description: 'The resolved thread', schema: resolvedSchema } },
    async handler({ params, body, db, auth, audit }) {
      const resolved = await resolveUnsafeThread(db, params.id, {
        resolution: body.resolution,
        note: body.note ?? null,
        userId: auth.userId,
      });
      if (!resolved) {
        if (!(await findUnsafeThread(db, params.id))) throw new NotFoundError('No such unsafe thread');
        throw new ConflictError('This unsafe thread is already resolved');
      }
      await audit({
        action: 'unsafe_thread.resolved',
        target: `unsafe_thread:${params.id}`,
        detail: {
          resolution: body.resolution,
          threadId: resolved.row.threadId,
          autoRepliesResumed: resolved.autoRepliesResumed,
        },
      });
      const paused = (await threadAutoReplyPaused(db, resolved.row.threadId)) ?? false;
      return { status: 200, body: { ...presentUnsafeThread(resolved.row), autoReplyPaused: paused } };
    },
  });

  return router;
}
