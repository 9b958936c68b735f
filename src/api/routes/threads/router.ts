// Mail threads the mailbox sync stored, for the front desk to read (and, later, to answer).
import Router from '@koa/router';
import { z } from 'zod';
import { listThreadMessages } from '../../../db/messages';
import { findThread, listThreads } from '../../../db/threads';
import { NotFoundError } from '../../../errors';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { listPage } from '../../pagination';
import {
  idParams,
  listThreadsQuery,
  presentThread,
  presentThreadMessage,
  threadPage,
  threadWithMessages,
} from './schema';

const threadCursor = z.object({ at: z.iso.datetime(), id: z.guid() });

export function threadsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/threads' });
  const endpoint = endpointsFor(router, deps, 'Threads');

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'listThreads',
    summary: 'List mail threads',
    description:
      "Threads with inbound mail, most recent activity first. `unsafe=true` lists the ones the guardian flagged; `clientId` one client's.",
    access: 'staff',
    request: { query: listThreadsQuery },
    responses: { 200: { description: 'A page of threads', schema: threadPage } },
    async handler({ query, db }) {
      const page = await listPage(
        query,
        threadCursor,
        (limit, before) =>
          listThreads(db, {
            limit,
            ...(query.unsafe !== undefined ? { unsafe: query.unsafe } : {}),
            ...(query.clientId ? { clientId: query.clientId } : {}),
            ...(before ? { before } : {}),
          }),
        presentThread,
        (t) => ({ at: t.cursorKey, id: t.id }),
      );
      return { status: 200, body: page };
    },
  });

  endpoint({
    method: 'get',
    path: '/:id',
    operationId: 'getThread',
    summary: 'One thread and its messages',
    description:
      'Messages oldest first, with their plain-text bodies and RFC Message-IDs (for replying in the thread).',
    access: 'staff',
    request: { params: idParams },
    responses: { 200: { description: 'The thread', schema: threadWithMessages } },
    async handler({ params, db }) {
      const thread = await findThread(db, params.id);
      if (!thread) throw new NotFoundError('No such thread');
      const messages = await listThreadMessages(db, thread.id);
      return { status: 200, body: { ...presentThread(thread), messages: messages.map(presentThreadMessage) } };
    },
  });

  return router;
}
